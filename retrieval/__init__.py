"""Retrieval: text normalisation, chunking, lexical and dense indexes, fusion, index build/load."""
