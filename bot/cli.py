"""The `rahnuma` command: index, ask, serve, corpus validate, staff add, audit verify, eval, calibrate,
train-intent."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bot.config import Config, load_config
from bot.errors import RahnumaError


def _settings(cfg: Config):  # type: ignore[no-untyped-def]
    from retrieval.index import IndexSettings

    return IndexSettings(cfg.index.max_passage_words, cfg.index.window_sentences, cfg.retrieval.roman_ngram)


def cmd_index(cfg: Config, args: argparse.Namespace) -> int:
    from models.embedders import embedder_from_config
    from retrieval.index import build_index, is_stale, read_manifest

    corpus, root = cfg.resolve(cfg.corpus.path), cfg.resolve(cfg.index.path)
    cache = cfg.resolve(cfg.index.cache_path)
    embedder = embedder_from_config(cfg.embedder, str(cache))
    if args.if_stale and not is_stale(corpus, root, embedder.id, _settings(cfg)):
        print(f"index is up to date ({root / 'current'})")
        return 0
    print(f"building the index from {corpus} (the first build embeds every passage: minutes on a small CPU)")
    path, skipped = build_index(corpus, root, cache, embedder, _settings(cfg), progress=sys.stderr.isatty())
    for s in skipped:
        print(f"warning: skipped {s.path}: {s.reason}", file=sys.stderr)
    manifest = read_manifest(root) or {}
    print(f"built {path.name}: {json.dumps(manifest.get('counts'))} in {manifest.get('build_seconds')} s")
    return 0


def cmd_ask(cfg: Config, args: argparse.Namespace) -> int:
    from bot.pipeline import build_pipeline

    pipeline = build_pipeline(cfg)
    reply = pipeline.answer(args.question, session_id=args.session, channel="cli")
    if args.json:
        print(json.dumps(reply.to_public(), ensure_ascii=False, indent=2))
    else:
        print(reply.answer)
        if reply.handoff:
            print(f"\n[handoff: {reply.handoff_reason.value if reply.handoff_reason else ''}]")
    return 0


def cmd_validate(cfg: Config, args: argparse.Namespace) -> int:
    from retrieval.validate import validate_corpus

    root = Path(args.path) if args.path else cfg.resolve(cfg.corpus.path)
    problems = validate_corpus(root)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"corpus OK: {root}")
    return 0


def cmd_serve(cfg: Config, args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(cfg), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_staff(cfg: Config, args: argparse.Namespace) -> int:
    from api.storage import Storage

    storage = Storage(database_url(cfg))
    storage.create_schema()
    staff_id, token = storage.add_staff(args.name, args.role)
    print(f"staff {args.name!r} ({args.role}) id={staff_id}\ntoken (shown once, store it safely): {token}")
    return 0


def _sqlite_url(cfg: Config) -> str:
    """sqlite:///relative/path made absolute against the config file's folder."""
    rel = cfg.database.url.removeprefix("sqlite:///")
    return f"sqlite:///{cfg.resolve(rel)}"


def database_url(cfg: Config) -> str:
    url = cfg.database.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return _sqlite_url(cfg)
    return url


def cmd_audit(cfg: Config, args: argparse.Namespace) -> int:
    from api.storage import Storage

    storage = Storage(database_url(cfg))
    ok, rows = storage.verify_audit()
    print(f"audit chain {'intact' if ok else 'BROKEN'}: {rows} rows checked")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        from eval.cli import main as eval_main

        return int(eval_main(argv[1:]))
    if argv[:1] == ["calibrate"]:
        from bot.calibrate import main as calibrate_main

        return int(calibrate_main(argv[1:]))
    if argv[:1] == ["train-intent"]:
        from bot.train_intent import main as train_main

        return int(train_main(argv[1:]))
    parser = argparse.ArgumentParser(prog="rahnuma", description="Rahnuma: public-service assistant (offline)")
    parser.add_argument("--config", default=None, help="TOML config (default: $RAHNUMA_CONFIG or ./rahnuma.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="build the search index from the corpus")
    p.add_argument("--if-stale", action="store_true", help="only when the corpus or settings changed")
    p = sub.add_parser("ask", help="ask one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.add_argument("--session", default=None)
    p = sub.add_parser("corpus", help="corpus tools")
    p.add_argument("action", choices=["validate"])
    p.add_argument("--path", default=None)
    p = sub.add_parser("serve", help="serve the API, chat page and agent console")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p = sub.add_parser("staff", help="staff accounts")
    p.add_argument("action", choices=["add"])
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=["agent", "admin"])
    p = sub.add_parser("audit", help="audit trail")
    p.add_argument("action", choices=["verify"])
    sub.add_parser("eval", help="run benchmarks (see `rahnuma eval --help`)")
    sub.add_parser("calibrate", help="fit the confidence model on the citizen tune split")
    sub.add_parser("train-intent", help="fit the message and section classifiers (bot/train_intent.py)")
    args = parser.parse_args(argv)
    handlers = {"index": cmd_index, "ask": cmd_ask, "corpus": cmd_validate, "serve": cmd_serve,
                "staff": cmd_staff, "audit": cmd_audit}
    try:
        cfg = load_config(args.config)
        return handlers[args.command](cfg, args)
    except RahnumaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
