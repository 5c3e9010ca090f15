"""Config and preset validation: every user error names the file, the key and what is allowed."""

import pytest

from regtui.config import ConfigError, RunConfig, from_mapping
from regtui.presets import config_to_toml, load_preset, preset_paths


def write(tmp_path, text, name="p.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_every_bundled_preset_loads_with_a_description():
    names = preset_paths()
    assert {"memorization", "early-stopping", "overfitting", "quick"} <= set(names)
    for name in names:
        preset = load_preset(name)
        assert preset.description and preset.runs
        assert names[name].read_text().startswith("#"), f"{name} must open with a comment"


def test_reference_settings_in_presets():
    mem = load_preset("memorization")
    assert [c.labels for c in mem.runs] == ["true", "random", "partial"]
    assert all((c.model, c.epochs, c.lr, c.momentum, c.batch_size) ==
               ("big_animal_net", 200, 5e-3, 0.9, 128) for c in mem.runs)
    assert mem.runs[2].label_fraction == 0.15
    es = load_preset("early-stopping").runs[0]
    assert (es.model, es.lr, es.momentum, es.patience, es.early_stopping) == \
        ("animal_net", 5e-4, 0.99, 20, True)
    toy = load_preset("overfitting").runs[0]
    assert (toy.model, toy.optimizer, toy.lr, toy.epochs) == ("net", "adam", 1e-4, 10000)


def test_unknown_key_names_file_key_and_suggestion(tmp_path):
    path = write(tmp_path, 'description = "x"\n[defaults]\nepohcs = 3\n')
    with pytest.raises(ConfigError) as exc:
        load_preset(path)
    msg = str(exc.value)
    assert path in msg and "'epohcs'" in msg and "did you mean 'epochs'" in msg


@pytest.mark.parametrize("line,expect", [
    ("epochs = 'ten'", "key 'epochs' must be an integer >= 1 and <= 1000000, got 'ten'"),
    ("epochs = 0", "key 'epochs' must be an integer >= 1 and <= 1000000, got 0"),
    ("lr = 0", "key 'lr' must be a number in (0, 10]"),
    ("labels = 'noisy'", "key 'labels' must be one of 'true', 'random', 'partial'"),
    ("label_fraction = 1.5", "key 'label_fraction' must be a number in [0, 1]"),
    ("shuffle = 1", "key 'shuffle' must be true or false"),
    ("model = 'net'", "model 'net' cannot train on dataset 'digits'"),
])
def test_bad_values_are_explained(tmp_path, line, expect):
    path = write(tmp_path, f'description = "x"\n[[runs]]\nname = "a"\n{line}\n')
    with pytest.raises(ConfigError) as exc:
        load_preset(path)
    assert expect in str(exc.value)
    assert f"{path} [[runs]] #1" in str(exc.value)


def test_structural_errors(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_preset(write(tmp_path, "epochs = = 3"))
    with pytest.raises(ConfigError, match="unknown top-level key 'epochs'"):
        load_preset(write(tmp_path, "epochs = 3"))
    with pytest.raises(ConfigError, match="run names must be unique"):
        load_preset(write(tmp_path, '[[runs]]\nname = "a"\n[[runs]]\nname = "a"\n'))
    with pytest.raises(ConfigError, match="does not exist"):
        load_preset(str(tmp_path / "missing.toml"))


def test_unknown_preset_lists_choices():
    with pytest.raises(ConfigError, match=r"did you mean 'memorization'.*available: .*early-stopping"):
        load_preset("memorisation")


def test_overrides_apply_to_every_run_and_are_validated():
    preset = load_preset("memorization", {"epochs": 7, "seed": 3})
    assert {(c.epochs, c.seed) for c in preset.runs} == {(7, 3)}
    with pytest.raises(ConfigError, match="command line: key 'epochs'"):
        load_preset("memorization", {"epochs": -1})


def test_resolved_config_round_trips_through_toml(tmp_path):
    cfg = from_mapping({"name": "x", "labels": "partial", "label_fraction": 0.3, "lr": 0.01}, "t")
    path = write(tmp_path, config_to_toml(cfg, 'say "hi"'))
    again = load_preset(path)
    assert again.runs == (cfg,) and again.description == 'say "hi"'
    assert cfg.replace(epochs=3).epochs == 3 and isinstance(cfg, RunConfig)
