"""biomedfr curation: French biomedical training corpora, shard by shard, with licenses and accounting."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("biomedfr")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
