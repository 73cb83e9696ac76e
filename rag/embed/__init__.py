"""Embed: text in, L2-normalised vectors out.

    embedder.Embedder          the one interface (encode, encode_query), one backend chosen by settings
    onnx.OnnxEncoder           the bundled MiniLM exported once to ONNX and run with onnxruntime (default)
"""
