"""Prometheus metrics, one registry per app (tests build many apps in one process)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    outcomes: Counter
    pipeline_latency: Histogram

    @classmethod
    def create(cls) -> Metrics:
        reg = CollectorRegistry()
        return cls(
            registry=reg,
            requests=Counter(
                "rahnuma_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=reg
            ),
            latency=Histogram(
                "rahnuma_http_request_seconds",
                "HTTP request latency",
                ["route"],
                registry=reg,
                buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            ),
            outcomes=Counter(
                "rahnuma_turn_outcomes_total",
                "Chat turn outcomes",
                ["outcome", "handoff_reason", "language", "channel"],
                registry=reg,
            ),
            pipeline_latency=Histogram(
                "rahnuma_pipeline_seconds",
                "Answer pipeline latency per message",
                ["language"],
                registry=reg,
                buckets=(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28),
            ),
        )
