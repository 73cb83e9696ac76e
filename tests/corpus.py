"""A tiny corpus written for the tests: seven documents on unrelated topics, with known answers."""

from rag.schema import Document

DOCS = [
    ("Mona Lisa", "The Mona Lisa is a half-length portrait painting by the Italian artist Leonardo da Vinci. "
     "It has been described as the best known and most visited work of art in the world. "
     "The painting has been held at the Louvre in Paris since 1797."),
    ("Leonardo da Vinci", "Leonardo da Vinci (1452–1519) was an Italian polymath of the High Renaissance. "
     "He was active as a painter, draughtsman, engineer, scientist and architect. "
     "His mural The Last Supper is in a convent in Milan."),
    ("Eiffel Tower", "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. "
     "It is named after the engineer Gustave Eiffel, whose company designed and built the tower. "
     "The tower was constructed from 1887 to 1889 as the centrepiece of the 1889 World's Fair."),
    ("Photosynthesis", "Photosynthesis is a process used by plants and other organisms to convert light energy "
     "into chemical energy. Most plants, algae and cyanobacteria perform photosynthesis. "
     "Photosynthesis releases oxygen into the atmosphere as a by-product."),
    ("Mount Everest", "Mount Everest is the highest mountain on Earth above sea level, located in the Himalayas. "
     "Its elevation of 8,849 metres was most recently established in 2020 by Chinese and Nepali authorities. "
     "The first recorded ascent was made in 1953 by Tenzing Norgay and Edmund Hillary."),
    ("Python (programming language)", "Python is a high-level, general-purpose programming language. "
     "It was created by Guido van Rossum and first released in 1991. "
     "Its design philosophy emphasizes code readability with significant indentation."),
    ("Great Wall of China", "The Great Wall of China is a series of fortifications built across the northern "
     "borders of ancient Chinese states. Several walls were built from as early as the 7th century BC. "
     "The best known sections were built by the Ming dynasty between 1368 and 1644."),
]


def documents() -> list[Document]:
    return [Document(id=f"t:{i}", title=t, url="https://en.wikipedia.org/wiki/" + t.replace(" ", "_"), text=x)
            for i, (t, x) in enumerate(DOCS)]


# query -> id of the document that answers it
QUERIES = {
    "who painted the mona lisa": "t:0",
    "when was the eiffel tower built": "t:2",
    "how do plants turn light into chemical energy": "t:3",
    "how high is mount everest": "t:4",
    "who created the python programming language": "t:5",
    "which dynasty built the great wall": "t:6",
}
