"""The framework's floor: the smallest Flask app, served by the same gunicorn setup as Trefpunt."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():
    return jsonify(ok=True)
