#!/usr/bin/env python3
"""Log a training run to AITIP the way MLflow's Python client does, with the standard library only.

The script sends the requests `mlflow` sends for

    mlflow.set_experiment(name)
    with mlflow.start_run(run_name=...):
        mlflow.log_params(...); mlflow.set_tags(...)
        for epoch in ...: mlflow.log_metrics({...}, step=epoch)
        mlflow.log_artifact("summary.json")

to the same endpoints with the same payloads and in the same order, so the run shows up in
AITIP's web UI (and its loss chart updates while the script runs). Nothing here is specific to
AITIP: point it at any MLflow tracking server and it logs there too.

Environment:
    MLFLOW_TRACKING_URI     the AITIP address, e.g. http://localhost:4000 (required)
    MLFLOW_TRACKING_TOKEN   an AITIP API key with experiments:read and experiments:write
    MLFLOW_EXPERIMENT_NAME  the experiment to log to (default: mlflow-rest-example)
    EPOCHS                  how many epochs to simulate (default: 20, half a second each)
"""

import getpass
import json
import math
import mimetypes
import os
import random
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

API = "/api/2.0/mlflow"
ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts"


class MlflowError(Exception):
    """An error answer of the tracking server: MLflow's error_code and message."""

    def __init__(self, status, error_code, message):
        super().__init__(f"{error_code}: {message} (HTTP {status})")
        self.status = status
        self.error_code = error_code


class TrackingClient:
    """The few calls of MLflow's REST store this script needs (POST with JSON, GET with a query)."""

    def __init__(self, tracking_uri, token):
        self.base = tracking_uri.rstrip("/")
        self.headers = {"User-Agent": "aitip-mlflow-rest-example"}
        if token:
            # what MLflow's client sends for MLFLOW_TRACKING_TOKEN
            self.headers["Authorization"] = f"Bearer {token}"

    def _send(self, method, url, body=None, content_type=None, retries=3):
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in range(retries + 1):
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.read()
            except urllib.error.HTTPError as err:
                text = err.read().decode("utf-8", "replace")
                # MLflow's client retries on throttling and on a server that is briefly unavailable
                if err.code in (429, 502, 503, 504) and attempt < retries:
                    time.sleep(2**attempt)
                    continue
                try:
                    answer = json.loads(text)
                    raise MlflowError(err.code, answer.get("error_code"), answer.get("message")) from None
                except ValueError:
                    raise MlflowError(err.code, "INTERNAL_ERROR", text) from None
        raise AssertionError("unreachable")

    def call(self, method, endpoint, payload=None):
        url = f"{self.base}{API}/{endpoint}"
        if method == "GET":
            query = urllib.parse.urlencode(payload or {}, doseq=True)
            raw = self._send("GET", f"{url}?{query}" if query else url)
        else:
            body = json.dumps(payload or {}).encode("utf-8")
            raw = self._send(method, url, body, "application/json")
        return json.loads(raw) if raw else {}

    def upload_artifact(self, artifact_uri, local_path, artifact_path=None):
        """mlflow.log_artifact: PUT the file to the artifact proxy under the run's artifact_uri."""
        prefix = "mlflow-artifacts:"
        if not artifact_uri.startswith(prefix):
            raise SystemExit(f"The run's artifact_uri {artifact_uri!r} is not served by the artifact proxy.")
        root = artifact_uri[len(prefix):].lstrip("/")
        name = os.path.basename(local_path)
        path = "/".join(p for p in (root, artifact_path, name) if p)
        url = f"{self.base}{ARTIFACTS_API}/{urllib.parse.quote(path)}"
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        with open(local_path, "rb") as f:
            self._send("PUT", url, f.read(), content_type)


def tag_list(tags):
    return [{"key": k, "value": str(v)} for k, v in tags.items()]


def main():
    tracking_uri = os.environ.get("MLFLOW_TRACKING_URI")
    if not tracking_uri or not tracking_uri.startswith(("http://", "https://")):
        raise SystemExit("Set MLFLOW_TRACKING_URI to AITIP's address, e.g. http://localhost:4000")
    client = TrackingClient(tracking_uri, os.environ.get("MLFLOW_TRACKING_TOKEN"))
    experiment_name = os.environ.get("MLFLOW_EXPERIMENT_NAME", "mlflow-rest-example")
    epochs = int(os.environ.get("EPOCHS", "20"))

    # mlflow.set_experiment: look the experiment up by name, create it when it does not exist
    try:
        experiment = client.call("GET", "experiments/get-by-name", {"experiment_name": experiment_name})["experiment"]
        experiment_id = experiment["experiment_id"]
        if experiment.get("lifecycle_stage") == "deleted":
            raise SystemExit(f"Experiment {experiment_name!r} is deleted; restore it or choose another name.")
    except MlflowError as err:
        if err.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        experiment_id = client.call("POST", "experiments/create", {"name": experiment_name})["experiment_id"]

    # mlflow.start_run: the client's context tags, the run name, the start time in milliseconds
    run = client.call(
        "POST",
        "runs/create",
        {
            "experiment_id": experiment_id,
            "user_id": getpass.getuser(),
            "start_time": int(time.time() * 1000),
            "run_name": f"example-{random.randint(100, 999)}",
            "tags": tag_list(
                {
                    "mlflow.user": getpass.getuser(),
                    "mlflow.source.name": os.path.basename(__file__),
                    "mlflow.source.type": "LOCAL",
                }
            ),
        },
    )["run"]
    run_id = run["info"]["run_id"]
    print(f"run {run_id} ({run['info'].get('run_name')}) in experiment {experiment_name} ({experiment_id})")

    try:
        # mlflow.log_params and mlflow.set_tags are log-batch calls
        params = {"learning_rate": 0.01, "batch_size": 64, "optimizer": "adam", "epochs": epochs}
        client.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": [], "params": tag_list(params), "tags": []})
        client.call(
            "POST",
            "runs/log-batch",
            {"run_id": run_id, "metrics": [], "params": [], "tags": tag_list({"model": "mlp", "dataset": "iris"})},
        )

        # mlflow.log_metrics(..., step=epoch): one log-batch per epoch
        loss, accuracy = 1.2, 0.3
        for epoch in range(epochs):
            loss = loss * 0.85 + random.uniform(-0.02, 0.02)
            accuracy = 1 - (1 - accuracy) * 0.88 + random.uniform(-0.01, 0.01)
            now = int(time.time() * 1000)
            metrics = {"loss": loss, "accuracy": accuracy, "lr": 0.01 * math.cos(math.pi * epoch / (2 * epochs))}
            client.call(
                "POST",
                "runs/log-batch",
                {
                    "run_id": run_id,
                    "metrics": [{"key": k, "value": v, "timestamp": now, "step": epoch} for k, v in metrics.items()],
                    "params": [],
                    "tags": [],
                },
            )
            print(f"epoch {epoch + 1}/{epochs}: loss={loss:.4f} accuracy={accuracy:.4f}")
            time.sleep(0.5)

        # mlflow.log_artifact("summary.json")
        with tempfile.TemporaryDirectory() as tmp:
            summary = os.path.join(tmp, "summary.json")
            with open(summary, "w") as f:
                json.dump({"final_loss": loss, "final_accuracy": accuracy, "params": params}, f, indent=2)
            client.upload_artifact(run["info"]["artifact_uri"], summary)

        # leaving the `with mlflow.start_run()` block
        client.call(
            "POST",
            "runs/update",
            {"run_id": run_id, "run_uuid": run_id, "status": "FINISHED", "end_time": int(time.time() * 1000)},
        )
    except BaseException:
        client.call(
            "POST",
            "runs/update",
            {"run_id": run_id, "run_uuid": run_id, "status": "FAILED", "end_time": int(time.time() * 1000)},
        )
        raise
    print(f"done: run {run_id} FINISHED")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except MlflowError as err:
        sys.exit(f"The tracking server refused a call: {err}")
