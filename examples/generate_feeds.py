"""Build the bundled seed dump into feeds with the library API (not the CLI).

Run it from anywhere, once the package is installed::

    $ python examples/generate_feeds.py [OUT_DIR]
    Built 6 articles from 000_caa332ea3062df9c.txt into public/
      public/rss.xml             6 items  application/rss+xml
      public/atom.xml            6 items  application/atom+xml
      public/feed.json           6 items  application/feed+json
      public/rates.json          1 item   application/feed+json
      public/rates.xml           1 item   application/atom+xml
      public/rates.csv           5 items  text/csv
      public/rates.html          1 item   text/html
      public/index.html          6 items  text/html
      public/rates/KGS-USD.json  1 item   application/feed+json
      ...
    Subscribe: run `centralasia-feed serve public`, then add http://127.0.0.1:8000/ to your feed reader
    (it finds the feeds on the page), or one feed directly, e.g. http://127.0.0.1:8000/atom.xml

The archive is kept in memory here (no file is written besides the output folder), so each run
publishes the seed's six articles and nothing else. A build never publishes fewer articles than
its folder shows, so into a folder that shows more (one a daily build keeps) it is refused: one
line on stderr, exit status 1, the folder left as it was::

    $ python examples/generate_feeds.py site
    generate_feeds.py: site: shows 12 articles, but a build with no archive has only its dumps' 6; ...
"""

from __future__ import annotations

import sys
from pathlib import Path

from centralasia_feed import CentralAsiaFeedError, FeedConfig, build, bundled_seeds, parse_dump


def main(out_dir: str = "public") -> int:
    seeds = bundled_seeds()
    dumps = [parse_dump(path.read_bytes(), source=path.name) for path in seeds]
    config = FeedConfig()
    try:
        report = build(dumps, out_dir, config)
    except CentralAsiaFeedError as exc:
        print(f"{Path(__file__).name}: {exc}", file=sys.stderr)
        return 1
    articles = sum(len(dump.articles) for dump in dumps)
    print(f"Built {articles} articles from {', '.join(path.name for path in seeds)} into {out_dir}/")
    paths = [Path(out_dir, file.name).as_posix() for file in report.files]
    width = max(map(len, paths), default=0)
    for path, file in zip(paths, report.files, strict=True):
        items = f"{file.items} item{'' if file.items == 1 else 's'}"
        print(f"  {path:<{width}}  {items:<8} {file.media_type}")
    for problem in report.problems:
        print(f"  problem: {problem}", file=sys.stderr)
    print(
        f"Subscribe: run `centralasia-feed serve {out_dir}`, then add {config.feed_url} to your feed reader"
    )
    print(f"(it finds the feeds on the page), or one feed directly, e.g. {config.url('atom.xml')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
