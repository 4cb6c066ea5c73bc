"""Reading plan documents: files in, one decoded original text out."""

from luoshi.documents.readers import read_file
from luoshi.documents.source import SourceFile

__all__ = ["SourceFile", "read_file"]
