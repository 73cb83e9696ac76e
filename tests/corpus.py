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


# A Korean tiny corpus, for Korean questions end to end (BM25 through kiwi, Korean sentences, answer typing)
DOCS_KO = [
    ("에펠탑", "에펠탑은 프랑스 파리의 샹 드 마르스 공원에 있는 철탑이다. 1889년 파리 만국 박람회를 위해 "
     "1887년부터 1889년까지 지어졌다. 탑을 세운 회사의 대표인 귀스타브 에펠의 이름을 땄다."),
    ("모나리자", "모나리자는 이탈리아의 화가 레오나르도 다 빈치가 그린 초상화이다. 1797년부터 파리의 루브르 "
     "박물관에 걸려 있다. 세계에서 가장 유명한 그림 가운데 하나로 꼽힌다."),
    ("세종대왕", "세종대왕은 조선의 제4대 왕이다. 1443년에 훈민정음, 곧 오늘날의 한글을 만들었다. "
     "과학과 음악에도 큰 업적을 남겼다."),
]


def korean_documents() -> list[Document]:
    return [Document(id=f"ko:{i}", title=t, url="https://ko.wikipedia.org/wiki/" + t, text=x)
            for i, (t, x) in enumerate(DOCS_KO)]
