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
                windows=(), link=None):
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
        z.writestr("metadata.json", json.dumps(meta))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", buf.getvalue())


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


def main():
    os.makedirs(OUT, exist_ok=True)
    dot_fixture("dot_keras33", "k33", optimizer_steps=17, version="3.3.3")
    dot_fixture("dot_keras36", "k36", dict_inputs=True, windows=("layers/embedding_1",), version="3.6.0")
    dot_fixture("dot_tfkeras215", "tf215", version="2.15.0", write_empty=False)
    sequential_fixture("stack_keras312")
    # a soft link where a layer's variables should be (Keras refuses links too): refused
    dot_fixture("dot_softlink", "k36", version="3.6.0", drop=("layers/embedding_1",),
                link=("layers/embedding_1", "/layers/embedding"), write_expected=False)


if __name__ == "__main__":
    main()
