"""Papers Archive: turn Hugging Face Daily Papers dumps into a searchable static site."""

__version__ = "0.1.0"
