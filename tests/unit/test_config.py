"""Config and preset validation: every user error names the file, the key and what is allowed."""

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from regtui.data.labels import LABEL_MODES
from regtui.engine.config import FIELDS, ConfigError, RunConfig, check_value, describe_rule, from_mapping
from regtui.experiments.presets import config_to_toml, load_preset, preset_paths
from regtui.models.nets import MODELS


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


# --- issue 7: run names become exactly one folder; numbers are finite and in range ---

UNSAFE_NAMES = ["../../x", "/tmp/x", "a/b", "a\\b", "C:x", "", "   ", ".", "..", " a", "a\nb",
                "a\tb", "a\0b", "a\x7fb", "a\x85b", "x" * 201, "é" * 101]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_run_names_are_refused_in_presets(tmp_path, name):
    quoted = json.dumps(name).replace("\x7f", "\\u007f")  # a TOML basic string
    path = write(tmp_path, f'description = "x"\n[[runs]]\nname = {quoted}\n')
    with pytest.raises(ConfigError) as exc:
        load_preset(path)
    msg = str(exc.value)
    assert f"{path} [[runs]] #1: key 'name' must be one folder name" in msg and "\n" not in msg


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_run_names_are_refused_by_overrides_and_the_form(name):
    # the app's form and run-all build configs with from_mapping / replace
    with pytest.raises(ConfigError, match="key 'name' must be one folder name"):
        from_mapping({"name": name}, "settings")
    with pytest.raises(ConfigError, match="key 'name'"):
        from_mapping({}, "t").replace(name=name)


@pytest.mark.parametrize("name", ["lr=0.01 run", "ünï cödé", "x" * 200, "é" * 100, "-a", "a.b"])
def test_ordinary_run_names_are_kept(name):
    assert from_mapping({"name": name}, "t").name == name


@pytest.mark.parametrize("stem", ["odd\nname", "odd\\name", " odd", "x" * 201])
def test_a_preset_file_whose_name_cannot_name_a_folder_is_refused(tmp_path, stem):
    path = write(tmp_path, 'description = "x"\n', name=f"{stem}.toml")
    with pytest.raises(ConfigError, match=r"cannot name a run folder.*rename the file"):
        load_preset(path)


@pytest.mark.parametrize("a,b", [("a", "a"), ("Run", "rUN"), ("caf\u00e9", "cafe\u0301"),
                                 ("STRASSE", "straße")])
def test_names_sharing_a_folder_are_duplicates(tmp_path, a, b):
    path = write(tmp_path, f'[[runs]]\nname = "x"\n[[runs]]\nname = "{a}"\n[[runs]]\nname = "{b}"\n')
    with pytest.raises(ConfigError) as exc:
        load_preset(path)
    assert "run names must be unique" in str(exc.value)
    assert f"run #2 {a!r} and run #3 {b!r}" in str(exc.value)


FLOATS = [k for k, s in FIELDS.items() if s.kind is float]
INTS = [k for k, s in FIELDS.items() if s.kind is int]


@pytest.mark.parametrize("key", FLOATS)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan"])
def test_every_float_setting_refuses_nan_and_inf(tmp_path, key, value):
    assert {"lr", "momentum", "label_fraction", "min_delta"} <= set(FLOATS)
    path = write(tmp_path, f'description = "x"\n[defaults]\n{key} = {value}\n')
    with pytest.raises(ConfigError, match=rf"\[defaults\]: key '{key}' must be a number"):
        load_preset(path)
    with pytest.raises(ConfigError, match=f"key '{key}'"):
        check_value(key, float(value), "Field")


@pytest.mark.parametrize("key", INTS)
def test_every_integer_setting_has_an_upper_bound(key):
    with pytest.raises(ConfigError, match=rf"key '{key}' must be an integer >= \d+ and <= \d+"):
        from_mapping({key: 10**30}, "t")


def test_seeds_are_32_bit():
    assert from_mapping({"seed": 0}, "t").seed == 0
    assert from_mapping({"seed": 2**32 - 1}, "t").seed == 2**32 - 1
    for bad in (-1, 2**32):
        rule = "an integer >= 0 and <= 4294967295"
        with pytest.raises(ConfigError, match=f"key 'seed' must be {rule}, got {bad}"):
            from_mapping({"seed": bad}, "t")


@pytest.mark.parametrize("key,value", [("epochs", "5"), ("epochs", True), ("epochs", 5.0),
                                       ("lr", True), ("lr", "0.1"), ("shuffle", 1), ("name", 3),
                                       ("seed", 1.5), ("labels", True)])
def test_types_are_strict(key, value):
    with pytest.raises(ConfigError, match=f"key '{key}' must be .*, got {value!r}"):
        from_mapping({key: value}, "t")


def test_integers_are_accepted_for_numbers_and_become_floats():
    cfg = from_mapping({"lr": 1, "momentum": 0, "min_delta": 2}, "t")
    assert (cfg.lr, cfg.momentum, cfg.min_delta) == (1.0, 0.0, 2.0)
    assert all(isinstance(v, float) for v in (cfg.lr, cfg.momentum, cfg.min_delta))
    assert check_value("lr", 1, "t") == 1.0 and isinstance(check_value("lr", 1, "t"), float)


def test_every_setting_has_help_a_rule_and_a_valid_default():
    for key, setting in FIELDS.items():
        assert setting.help.endswith(".") and describe_rule(key)
        assert check_value(key, setting.default, "t") == setting.default
    assert FIELDS["labels"].choices == LABEL_MODES  # the Literal follows the label registry
    assert FIELDS["model"].choices == tuple(MODELS)


def test_configs_are_frozen_and_hashable():
    cfg = from_mapping({}, "t")
    with pytest.raises(ValidationError):
        cfg.lr = 1.0
    assert {cfg, from_mapping({}, "t")} == {cfg}


def test_text_with_quotes_and_control_characters_round_trips_through_toml(tmp_path):
    cfg = from_mapping({"name": "x", "dataset": "folder", "data_dir": 'a "b" \\c\nd\te\x7f'}, "t")
    path = write(tmp_path, config_to_toml(cfg, 'line 1\nline "2"\x01'))
    again = load_preset(path)  # settings exactly; the description on one line, as presets must be
    assert again.runs == (cfg,) and again.description == 'line 1 line "2" '


def test_the_app_number_fields_use_the_same_rules():
    from regtui.tui.widgets.fields import SettingValidator

    assert SettingValidator("seed").validate("4294967295").is_valid
    for key, text in [("seed", "4294967296"), ("seed", "-1"), ("lr", "nan"), ("lr", "inf"),
                      ("label_fraction", "nan"), ("momentum", "-inf"), ("epochs", "1e30")]:
        assert not SettingValidator(key).validate(text).is_valid, (key, text)


def test_importing_the_config_does_not_import_torch():
    # the CLI builds its option help from the config: `regtui --help` must stay fast
    code = "import sys, regtui.engine.config; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_app_run_names_never_share_a_folder_or_outgrow_the_limit():
    from regtui.system.folder_names import NAME_MAX_BYTES, folder_name_problem
    from regtui.tui.form import names_for_all, unique_name

    assert unique_name("a", ["A"]) == "a-2"  # one folder on macOS and Windows disks
    assert names_for_all(["run", "RUN"], []) == ["run", "RUN-2"]
    long = "é" * (NAME_MAX_BYTES // 2)  # exactly at the limit in UTF-8
    renamed = unique_name(long, [long])
    assert renamed.endswith("-2") and folder_name_problem(renamed) is None
