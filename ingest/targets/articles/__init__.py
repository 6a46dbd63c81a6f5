"""Help Center articles: a source's documents published into nested collections, never duplicated."""

from __future__ import annotations

from ingest.targets.articles.planning import NAME, ArticlesPlanner
from ingest.targets.articles.sending import ArticlesSender
from ingest.targets.articles.settings import ArticlesSettings

__all__ = ["NAME", "ArticlesPlanner", "ArticlesSender", "ArticlesSettings"]
