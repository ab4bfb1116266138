"""A bare Flask hello-world: the baseline of bench/endpoint_bench.py."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
