#!/usr/bin/python3
"""Writes the Keras files tensorkit's loader is tested on, in the layouts Keras itself writes, without Keras.

Keras cannot run on the build machines, so these files are made here with h5py and numpy in the exact layouts of
keras/src/saving/saving_lib.py (Keras 3) and of tf.keras 2.13-2.15's .keras zips, from configs as those versions
serialize them. Each fixture comes with the inputs and the outputs numpy computes for them (float32), in
<name>.expected.json. Run from anywhere (Debian: apt-get install python3-numpy python3-h5py):

    /usr/bin/python3 models/src/test/python/generate_keras_files.py

The build and the tests never run this; its output is committed under models/src/test/resources/keras/.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "keras")
rng = np.random.default_rng(20261201)


def policy(name="float32", shared=None):
    p = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}
    if shared is not None:
        p["shared_object_id"] = shared
    return p


def uniform_init(module=True):
    o = {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": None}}
    if module:
        o = {"module": "keras.initializers", **o, "registered_name": None}
    return o


def tensor(shape, layer, node=0, index=0, dtype="float32"):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": shape, "dtype": dtype, "keras_history": [layer, node, index]}}


def input_layer(name, dtype, style):
    if style == "tf215":
        config = {"batch_input_shape": [None, 1], "dtype": dtype, "sparse": False, "ragged": False, "name": name}
    elif style == "k33":
        config = {"batch_shape": [None, 1], "dtype": dtype, "sparse": False, "name": name}
    else:
        config = {"batch_shape": [None, 1], "dtype": dtype, "sparse": False, "ragged": False, "name": name}
    return {"module": "keras.layers", "class_name": "InputLayer", "config": config, "registered_name": None,
            "name": name, "inbound_nodes": []}


def embedding(name, rows, dim, style, source):
    dtype = "float32" if style in ("k33", "tf215") else policy(shared=None)
    config = {"name": name, "trainable": True, "dtype": dtype, "input_dim": rows, "output_dim": dim,
              "embeddings_initializer": uniform_init(style != "tf215"), "embeddings_regularizer": None,
              "activity_regularizer": None, "embeddings_constraint": None, "mask_zero": False}
    if style == "tf215":
        config["input_length"] = None
        nodes = [[[source, 0, 0, {}]]]
    else:
        nodes = [{"args": [tensor([None, 1], source)], "kwargs": {}}]
    return {"module": "keras.layers", "class_name": "Embedding", "config": config, "registered_name": None,
            "build_config": {"input_shape": [None, 1]}, "name": name, "inbound_nodes": nodes}


def flatten(name, source, dim, style):
    dtype = "float32" if style in ("k33", "tf215") else policy()
    nodes = ([[[source, 0, 0, {}]]] if style == "tf215"
             else [{"args": [tensor([None, 1, dim], source)], "kwargs": {}}])
    return {"module": "keras.layers", "class_name": "Flatten",
            "config": {"name": name, "trainable": True, "dtype": dtype, "data_format": "channels_last"},
            "registered_name": None, "build_config": {"input_shape": [None, 1, dim]}, "name": name,
            "inbound_nodes": nodes}


def dot(name, a, b, dim, style):
    dtype = "float32" if style in ("k33", "tf215") else policy()
    if style == "tf215":
        nodes = [[[a, 0, 0, {}], [b, 0, 0, {}]]]
    else:  # a merge layer is called on a list: one more level of nesting
        nodes = [{"args": [[tensor([None, dim], a), tensor([None, dim], b)]], "kwargs": {}}]
    return {"module": "keras.layers", "class_name": "Dot",
            "config": {"name": name, "trainable": True, "dtype": dtype, "axes": 1, "normalize": False},
            "registered_name": None, "build_config": {"input_shape": [[None, dim], [None, dim]]}, "name": name,
            "inbound_nodes": nodes}


def adam_config():
    return {"module": "keras.optimizers", "class_name": "Adam",
            "config": {"name": "adam", "learning_rate": 0.0010000000474974513, "weight_decay": None,
                       "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
                       "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
                       "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
                       "amsgrad": False},
            "registered_name": None}


def write_keras(name, config, weights, *, empty_groups=(), names=None, metadata_version="3.3.3",
                windows=(), link=None, assets=None):
    """weights: {path: [arrays]}; empty_groups: paths whose (empty) vars group Keras writes too."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for path in empty_groups:
            g = f.create_group((path + "/vars") if path else "vars")
            if names and path in names:
                g.attrs["name"] = names[path]
        for path, arrays in weights.items():
            group_path = path.replace("/", "\\", 1) if path in windows else path
            g = f.create_group(group_path + "/vars")
            if names and path in names:
                g.attrs["name"] = names[path]
            for i, a in enumerate(arrays):
                g.create_dataset(str(i), data=a)
        if link is not None:
            source, target = link
            f[source] = h5py.SoftLink(target)
    meta = {"keras_version": metadata_version, "date_saved": "2026-12-01@10:00:00"}
    with zipfile.ZipFile(os.path.join(OUT, name + ".keras"), "w", compression=zipfile.ZIP_STORED) as z:
        entries = [("metadata.json", json.dumps(meta)), ("config.json", json.dumps(config)),
                   ("model.weights.h5", buf.getvalue())] + sorted((assets or {}).items())
        for entry, data in entries:
            z.writestr(zipfile.ZipInfo(entry, date_time=(2026, 12, 1, 0, 0, 0)), data)  # reproducible bytes


def dot_fixture(name, style, *, optimizer_steps=None, dict_inputs=False, windows=(), link=None,
                version="3.3.3", write_empty=True, drop=(), write_expected=True):
    users = rng.uniform(-0.5, 0.5, (12, 4)).astype(np.float32)
    items = rng.uniform(-0.5, 0.5, (9, 4)).astype(np.float32)
    layers = [input_layer("user", "float32", style), input_layer("item", "float32", style),
              embedding("user_embedding", 12, 4, style, "user"), embedding("item_embedding", 9, 4, style, "item"),
              flatten("flatten", "user_embedding", 4, style), flatten("flatten_1", "item_embedding", 4, style),
              dot("dot", "flatten", "flatten_1", 4, style)]
    inputs = ({"user": ["user", 0, 0], "item": ["item", 0, 0]} if dict_inputs
              else [["user", 0, 0], ["item", 0, 0]])
    module = "keras.src.engine.functional" if style == "tf215" else "keras.src.models.functional"
    config = {"module": module, "class_name": "Functional",
              "config": {"name": "recommender", "trainable": True, "layers": layers, "input_layers": inputs,
                         "output_layers": [["dot", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": [[None, 1], [None, 1]]}}
    prefix = "_layer_checkpoint_dependencies" if style == "tf215" else "layers"
    weights = {prefix + "/embedding": [users], prefix + "/embedding_1": [items]}
    names = {prefix + "/embedding": "user_embedding", prefix + "/embedding_1": "item_embedding",
             prefix + "/input_layer": "user", prefix + "/input_layer_1": "item", prefix + "/flatten": "flatten",
             prefix + "/flatten_1": "flatten_1", prefix + "/dot": "dot", "": "recommender"}
    expected = {}
    if optimizer_steps is not None:
        config["compile_config"] = {"optimizer": adam_config(), "loss": "mse", "loss_weights": None,
                                    "metrics": ["mae"], "weighted_metrics": None, "run_eagerly": False,
                                    "steps_per_execution": 1, "jit_compile": False}
        state = [np.array(optimizer_steps, dtype=np.int64), np.array(0.001, dtype=np.float32)]
        for table in (users, items):
            state.append(rng.normal(0, 1e-3, table.shape).astype(np.float32))  # momentum
            state.append(rng.uniform(0, 1e-5, table.shape).astype(np.float32))  # velocity
        weights["optimizer"] = state
        names["optimizer"] = "adam"
        expected["iterations"] = optimizer_steps
        expected["optimizer_state"] = [s.reshape(-1).tolist() for s in state[2:]]
    empty = [p for p in (prefix + "/input_layer", prefix + "/input_layer_1", prefix + "/flatten",
                         prefix + "/flatten_1", prefix + "/dot", "")] if write_empty else []
    for path in drop:
        del weights[path]
    write_keras(name, config, weights, empty_groups=empty, names=names if style != "k33" else None,
                metadata_version=version, windows=windows, link=link)
    u = np.array([0, 3, 11, 5], dtype=np.int64)
    i = np.array([8, 0, 4, 4], dtype=np.int64)
    out = np.sum(users[u] * items[i], axis=1, dtype=np.float32).reshape(-1, 1)
    expected.update({"inputs": [u.tolist(), i.tolist()], "outputs": out.reshape(-1).tolist(),
                     "weights": [users.reshape(-1).tolist(), items.reshape(-1).tolist()]})
    if write_expected:
        with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
            json.dump(expected, f)


def sequential_fixture(name):
    table = rng.uniform(-0.5, 0.5, (10, 3)).astype(np.float32)
    kernel = rng.uniform(-1, 1, (6, 2)).astype(np.float32)
    bias = rng.uniform(-0.1, 0.1, (2,)).astype(np.float32)
    layers = [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": [None, 2], "dtype": "int32", "sparse": False, "ragged": False,
                    "name": "ids", "optional": False}, "registered_name": None},
        {"module": "keras.layers", "class_name": "Embedding",
         "config": {"name": "embedding", "trainable": True, "dtype": policy(shared=1), "input_dim": 10,
                    "output_dim": 3, "embeddings_initializer": uniform_init(), "embeddings_regularizer": None,
                    "activity_regularizer": None, "embeddings_constraint": None, "mask_zero": False,
                    "quantization_config": None},
         "registered_name": None, "build_config": {"input_shape": [None, 2]}},
        {"module": "keras.layers", "class_name": "Flatten",
         "config": {"name": "flatten", "trainable": True, "dtype": policy(shared=1), "data_format": "channels_last"},
         "registered_name": None, "build_config": {"input_shape": [None, 2, 3]}},
        {"module": "keras.layers", "class_name": "Dense",
         "config": {"name": "dense", "trainable": True, "dtype": policy(shared=1), "units": 2, "activation": "relu",
                    "use_bias": True,
                    "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                           "config": {"seed": None}, "registered_name": None},
                    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                                         "registered_name": None},
                    "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
                    "bias_constraint": None, "quantization_config": None},
         "registered_name": None, "build_config": {"input_shape": [None, 6]}},
    ]
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "stack", "trainable": True, "dtype": policy(shared=1), "layers": layers,
                         "build_input_shape": [None, 2]},
              "registered_name": None, "build_config": {"input_shape": [None, 2]}}
    # a Sequential's input layer is not in its numbering; Windows wrote "layers\\dense" as one group name
    write_keras(name, config, {"layers/embedding": [table], "layers/dense": [kernel, bias]},
                names={"layers/embedding": "embedding", "layers/dense": "dense", "layers/flatten": "flatten"},
                empty_groups=["layers/flatten"], metadata_version="3.12.0", windows=("layers/dense",))
    x = np.array([[1, 9], [0, 0], [7, 3]], dtype=np.int32)
    flat = table[x].reshape(3, 6)
    out = np.maximum(flat @ kernel + bias, 0).astype(np.float32)
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump({"inputs": [x.reshape(-1).tolist()], "input_shape": [3, 2], "outputs": out.reshape(-1).tolist()},
                  f)


def lookup_fixture(name):
    """Keras 3.6: raw keys through a StringLookup adapted (its vocabulary in the assets, as save_assets writes it)
    and an IntegerLookup given its vocabulary (in the config, two OOV buckets by floormod), then two tables,
    flattened, dotted."""
    vocab = ["[UNK]", "user_3", "user_1", "user_2", "user_4"]  # as adapt orders them: by count, ties descending
    movies = [100, 200, 300]
    own = np.random.default_rng(36)  # its own generator: the other fixtures keep their bytes
    users = own.uniform(-0.5, 0.5, (5, 3)).astype(np.float32)
    items = own.uniform(-0.5, 0.5, (5, 3)).astype(np.float32)

    def lookup(class_name, lname, config_extra, source, dtype):
        config = {"name": lname, "trainable": True, "dtype": policy(), "invert": False, "max_tokens": None,
                  "num_oov_indices": 1, "oov_token": "[UNK]", "mask_token": None, "output_mode": "int",
                  "sparse": False, "pad_to_max_tokens": False, "idf_weights": None, "vocabulary": None,
                  "vocabulary_size": 5}
        config.update(config_extra)
        return {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None,
                "build_config": {"input_shape": [None, 1]}, "name": lname,
                "inbound_nodes": [{"args": [tensor([None, 1], source, dtype=dtype)], "kwargs": {}}]}

    def table(lname, source):
        e = embedding(lname, 5, 3, "k36", source)
        e["inbound_nodes"][0]["args"][0]["config"]["dtype"] = "int64"
        return e

    layers = [input_layer("user", "string", "k36"), input_layer("movie", "int64", "k36"),
              lookup("StringLookup", "string_lookup", {"encoding": "utf-8"}, "user", "string"),
              lookup("IntegerLookup", "integer_lookup", {"oov_token": -1, "num_oov_indices": 2,
                                                         "vocabulary": movies, "vocabulary_dtype": "int64"},
                     "movie", "int64"),
              table("embedding", "string_lookup"), table("embedding_1", "integer_lookup"),
              flatten("flatten", "embedding", 3, "k36"), flatten("flatten_1", "embedding_1", 3, "k36"),
              dot("dot", "flatten", "flatten_1", 3, "k36")]
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "keyed", "trainable": True, "layers": layers,
                         "input_layers": [["user", 0, 0], ["movie", 0, 0]], "output_layers": [["dot", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": None}}
    write_keras(name, config, {"layers/embedding": [users], "layers/embedding_1": [items]}, metadata_version="3.6.0",
                assets={"assets/layers/string_lookup/vocabulary.txt": "\n".join(vocab)})
    keys = ["user_1", "nobody", "user_4", "user_3"]
    ids = [100, 300, 999, -4]
    u = np.array([vocab.index(k) if k in vocab else 0 for k in keys])
    m = np.array([2 + movies.index(i) if i in movies else i % 2 for i in ids])  # floormod buckets 0 and 1
    out = (users[u] * items[m]).sum(axis=1).astype(np.float32)
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump({"users": keys, "movies": ids, "vocabulary": vocab, "outputs": out.tolist()}, f)


def write_legacy_h5(name, model_config, training_config, layers, *, keras_version, chunk_names=False,
                    top_level=False):
    """A whole-model .h5 as tf.keras 2 (hdf5_format.py) and Keras 3's legacy_h5_format.py write it.

    layers: [(layer name, [(weight name, array)])] in model order, weightless layers included."""
    with h5py.File(os.path.join(OUT, name + ".h5"), "w") as f:
        f.attrs["keras_version"] = keras_version.encode()
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode()
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode()
        g = f.create_group("model_weights")
        names = [n.encode() for n, _ in layers]
        if chunk_names:  # what Keras does past 64 KiB: layer_names0, layer_names1, ...
            half = len(names) // 2
            g.attrs["layer_names0"] = np.array(names[:half])
            g.attrs["layer_names1"] = np.array(names[half:])
        else:
            g.attrs["layer_names"] = np.array(names)
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = keras_version.encode()
        for layer, weights in layers:
            lg = g.create_group(layer)
            lg.attrs["weight_names"] = np.array([w.encode() for w, _ in weights], dtype="S")
            for w, value in weights:
                lg.create_dataset(w, data=value)
        if top_level:
            tg = g.create_group("top_level_model_weights")
            tg.attrs["weight_names"] = np.array([], dtype="S")
        if training_config is not None:  # tf.keras 2 keeps optimizer weights too; tensorkit does not read them
            og = f.create_group("optimizer_weights")
            og.attrs["weight_names"] = np.array([b"Adam/iter:0"])
            og.create_group("Adam").create_dataset("iter:0", data=np.array(5, dtype=np.int64))


def legacy_dot_fixture(name):
    users = rng.uniform(-0.5, 0.5, (12, 4)).astype(np.float32)
    items = rng.uniform(-0.5, 0.5, (9, 4)).astype(np.float32)
    layers = [input_layer("user", "float32", "tf215"), input_layer("item", "float32", "tf215"),
              embedding("user_embedding", 12, 4, "tf215", "user"), embedding("item_embedding", 9, 4, "tf215", "item"),
              flatten("flatten", "user_embedding", 4, "tf215"), flatten("flatten_1", "item_embedding", 4, "tf215"),
              dot("dot", "flatten", "flatten_1", 4, "tf215")]
    for l in layers:  # tf.keras 2's legacy serialization has no module keys
        l.pop("module", None)
        l.pop("registered_name", None)
        l.pop("build_config", None)
        if "embeddings_initializer" in l["config"]:
            l["config"]["embeddings_initializer"] = uniform_init(module=False)
    model_config = {"class_name": "Functional",
                    "config": {"name": "recommender", "layers": layers,
                               "input_layers": [["user", 0, 0], ["item", 0, 0]], "output_layers": [["dot", 0, 0]]},
                    "keras_version": "2.13.1", "backend": "tensorflow"}
    training_config = {"loss": "mse", "metrics": ["mae"], "weighted_metrics": None, "loss_weights": None,
                       "optimizer_config": {"class_name": "Adam", "config": {
                           "name": "Adam", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                           "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                           "ema_overwrite_frequency": None, "jit_compile": True, "is_legacy_optimizer": False,
                           "learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999,
                           "epsilon": 1e-07, "amsgrad": False}}}
    write_legacy_h5(name, model_config, training_config,
                    [("user", []), ("item", []), ("user_embedding", [("user_embedding/embeddings:0", users)]),
                     ("item_embedding", [("item_embedding/embeddings:0", items)]), ("flatten", []),
                     ("flatten_1", []), ("dot", [])], keras_version="2.13.1")
    u = np.array([0, 3, 11, 5], dtype=np.int64)
    i = np.array([8, 0, 4, 4], dtype=np.int64)
    out = np.sum(users[u] * items[i], axis=1, dtype=np.float32)
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump({"inputs": [u.tolist(), i.tolist()], "outputs": out.tolist(),
                   "weights": [users.reshape(-1).tolist(), items.reshape(-1).tolist()]}, f)


def legacy_sequential_fixture(name, *, keras3):
    table = rng.uniform(-0.5, 0.5, (10, 3)).astype(np.float32)
    kernel = rng.uniform(-1, 1, (6, 2)).astype(np.float32)
    bias = rng.uniform(-0.1, 0.1, (2,)).astype(np.float32)
    embedding_config = {"name": "embedding", "trainable": True, "dtype": "float32", "input_dim": 10,
                        "output_dim": 3, "embeddings_initializer": uniform_init(module=False),
                        "embeddings_regularizer": None, "activity_regularizer": None, "embeddings_constraint": None,
                        "mask_zero": False}
    layers = []
    if keras3:  # Keras 3's legacy serialization: an InputLayer with batch_shape first
        layers.append({"class_name": "InputLayer", "config": {"batch_shape": [None, 2], "dtype": "int32",
                                                             "sparse": False, "name": "input_layer"}})
    else:  # tf.keras 2 Sequential(Embedding(..., input_length=2)): the input shape inside the first layer
        embedding_config["batch_input_shape"] = [None, 2]
        embedding_config["input_length"] = 2
    layers += [{"class_name": "Embedding", "config": embedding_config},
               {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": "float32",
                                                    "data_format": "channels_last"}},
               {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 2,
                                                  "activation": "relu", "use_bias": True,
                                                  "kernel_initializer": {"class_name": "GlorotUniform",
                                                                         "config": {"seed": None}},
                                                  "bias_initializer": {"class_name": "Zeros", "config": {}},
                                                  "kernel_regularizer": None, "bias_regularizer": None,
                                                  "activity_regularizer": None, "kernel_constraint": None,
                                                  "bias_constraint": None}}]
    model_config = {"class_name": "Sequential", "config": {"name": "stack", "layers": layers}}
    suffix = "" if keras3 else ":0"
    write_legacy_h5(name, model_config, None,
                    [("embedding", [("embedding/embeddings" + suffix, table)]), ("flatten", []),
                     ("dense", [("dense/kernel" + suffix, kernel), ("dense/bias" + suffix, bias)])],
                    keras_version="3.6.0" if keras3 else "2.15.0", chunk_names=keras3, top_level=keras3)
    x = np.array([[1, 9], [0, 0], [7, 3]], dtype=np.int32)
    out = np.maximum(table[x].reshape(3, 6) @ kernel + bias, 0).astype(np.float32)
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump({"inputs": [x.reshape(-1).tolist()], "outputs": out.reshape(-1).tolist()}, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    dot_fixture("dot_keras33", "k33", optimizer_steps=17, version="3.3.3")
    dot_fixture("dot_keras36", "k36", dict_inputs=True, windows=("layers/embedding_1",), version="3.6.0")
    dot_fixture("dot_tfkeras215", "tf215", version="2.15.0", write_empty=False)
    sequential_fixture("stack_keras312")
    lookup_fixture("lookups_keras36")
    legacy_dot_fixture("dot_tfkeras213")
    legacy_sequential_fixture("stack_tfkeras215", keras3=False)
    legacy_sequential_fixture("stack_keras36_legacy", keras3=True)
    # a soft link where a layer's variables should be (Keras refuses links too): refused
    dot_fixture("dot_softlink", "k36", version="3.6.0", drop=("layers/embedding_1",),
                link=("layers/embedding_1", "/layers/embedding"), write_expected=False)


if __name__ == "__main__":
    main()
