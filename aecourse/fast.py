"""The course's fast training recipe for small autoencoders on a CPU.

The article's recipe (Adam at 1e-3, batch 256, 50 epochs through ``model.fit``) spends
much of its time outside the matrix multiplications: Keras' data pipeline hands over
one batch per Python step. The fast recipe keeps the data in memory as one tensor,
runs a whole epoch inside one XLA-compiled TensorFlow function (Keras' own Adam
update, through the optimizer's public ``apply``), starts from the best constant
output (:func:`init_output_bias`), and uses a higher peak learning rate with warm-up
and cosine decay (:class:`FastRecipe`). :func:`fit_fast` applies it. The appendix
"Training fast on a CPU" and ``python -m aecourse.bench`` measure what each
ingredient is worth.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np

from aecourse.nested import leaf_layers
from aecourse.training import CompactProgress, FitResult
from aecourse.validation import (check_array, check_bool, check_float, check_instance, check_int,
                                 message)

__all__ = ["FastRecipe", "fit_fast", "init_output_bias"]


@dataclasses.dataclass(frozen=True)
class FastRecipe:
    """The course's fast training recipe for small autoencoders on a CPU.

    Adam with a learning rate that warms up linearly from
    ``learning_rate * start_fraction`` to ``learning_rate`` over the first
    ``warmup_fraction`` of the steps, then follows a cosine down to
    ``learning_rate * end_fraction`` at the last step (a "one-cycle" schedule,
    :class:`keras.optimizers.schedules.CosineDecay` with warm-up). The schedule is laid
    out for ``epochs`` epochs, so stopping earlier (at a target loss) leaves the rate
    where it was. :func:`fit_fast` applies the recipe; its defaults are the recipe the
    course benchmarks.

    Attributes:
        batch_size: examples per gradient step.
        learning_rate: the peak learning rate, reached at the end of the warm-up.
        epochs: the length of the schedule, in passes over the training data.
        warmup_fraction: fraction of all steps spent warming up, in [0, 1).
        start_fraction: the first step's rate as a fraction of ``learning_rate``.
        end_fraction: the last step's rate as a fraction of ``learning_rate``.
        init_output_bias: before training, set the output layer's bias so that the
            untrained model outputs the mean training example
            (:func:`init_output_bias`).
        jit_compile: compile the training loop with XLA, which fuses the element-wise
            work (activations, loss, optimizer) around the matrix products.

    Raises:
        TypeError: for a field of the wrong type.
        ValueError: for a field out of its range.

    Example:
        >>> recipe = FastRecipe(epochs=10)
        >>> recipe.steps_per_epoch(60000)
        234
        >>> round(float(recipe.learning_rate_schedule(234)(0)), 6)
        0.00032
    """

    batch_size: int = 256
    learning_rate: float = 8e-3
    epochs: int = 20
    warmup_fraction: float = 0.1
    start_fraction: float = 0.04
    end_fraction: float = 0.0
    init_output_bias: bool = True
    jit_compile: bool = True

    def __post_init__(self):
        where = "FastRecipe"
        check_int(self.batch_size, "batch_size", where=where, min_value=1, max_value=1 << 20)
        check_float(self.learning_rate, "learning_rate", where=where, min_value=0, max_value=10,
                    min_inclusive=False)
        check_int(self.epochs, "epochs", where=where, min_value=1, max_value=100_000)
        check_float(self.warmup_fraction, "warmup_fraction", where=where, min_value=0, max_value=1,
                    max_inclusive=False)
        check_float(self.start_fraction, "start_fraction", where=where, min_value=0, max_value=1)
        check_float(self.end_fraction, "end_fraction", where=where, min_value=0, max_value=1)
        for name in ("init_output_bias", "jit_compile"):
            check_bool(getattr(self, name), name, where=where)

    def steps_per_epoch(self, n_examples):
        """Gradient steps in one pass over ``n_examples`` (a last partial batch is dropped).

        Args:
            n_examples: number of training examples.

        Returns:
            ``n_examples // batch_size``.

        Raises:
            ValueError: if ``n_examples`` is smaller than one batch.

        Example:
            >>> FastRecipe(batch_size=512).steps_per_epoch(60000)
            117
        """
        n = check_int(n_examples, "n_examples", where="FastRecipe.steps_per_epoch", min_value=1)
        if n < self.batch_size:
            raise ValueError(message("FastRecipe.steps_per_epoch", "n_examples",
                                     f"at least one batch ({self.batch_size} examples)", n,
                                     "Use a smaller batch_size."))
        return n // self.batch_size

    def learning_rate_schedule(self, steps_per_epoch):
        """The warm-up + cosine schedule over ``epochs * steps_per_epoch`` steps.

        Args:
            steps_per_epoch: gradient steps per epoch.

        Returns:
            A :class:`keras.optimizers.schedules.CosineDecay` (serializable; called with a
            step number it returns the learning rate).

        Example:
            >>> schedule = FastRecipe(epochs=10).learning_rate_schedule(100)
            >>> round(float(schedule(100)), 6)  # the peak, at the end of the warm-up
            0.008
        """
        steps = check_int(steps_per_epoch, "steps_per_epoch", where="FastRecipe.learning_rate_schedule",
                          min_value=1)
        total = self.epochs * steps
        warmup = int(round(self.warmup_fraction * total))
        return keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=self.learning_rate * self.start_fraction,
            decay_steps=max(total - warmup, 1),
            alpha=self.end_fraction,
            warmup_target=self.learning_rate,
            warmup_steps=warmup,
            name="fast_recipe_schedule",
        )

    def optimizer(self, steps_per_epoch):
        """A fresh Adam optimizer following :meth:`learning_rate_schedule`.

        Args:
            steps_per_epoch: gradient steps per epoch.

        Returns:
            A ``keras.optimizers.Adam``.

        Example:
            >>> type(FastRecipe().optimizer(234)).__name__
            'Adam'
        """
        return keras.optimizers.Adam(learning_rate=self.learning_rate_schedule(steps_per_epoch))


def _output_dense(model):
    """The Dense layer that produces the model's output, or ``None``.

    The last computing layer of the model (nested models opened), stepping back over
    layers that only reshape or apply an activation.
    """
    layers = leaf_layers(model)
    while layers and isinstance(layers[-1], (keras.layers.Reshape, keras.layers.Activation)):
        layers.pop()
    return layers[-1] if layers and isinstance(layers[-1], keras.layers.Dense) else None


def init_output_bias(model, x):
    """Set the output layer's bias so the untrained model outputs the mean example.

    For a sigmoid output the bias becomes ``logit(mean)`` of each output unit (the mean
    clipped to [1e-3, 1 - 1e-3]); for a linear output it becomes the mean itself. The
    model starts from the best constant reconstruction instead of 0.5 everywhere,
    which saves the first epoch or so of training.

    Args:
        model: a model whose last layer (possibly inside nested models such as
            ``"decoder"``, possibly followed by a Reshape) is a ``Dense`` layer with a
            bias and a sigmoid or linear activation, with one unit per output value.
        x: the training targets (for an autoencoder, the training inputs), shaped like
            the model's output.

    Returns:
        The ``Dense`` layer whose bias was set.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if the model's output does not come from such a layer, or if ``x``
            does not match the output size.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> model = dense_autoencoder(input_shape=(4,), hidden_units=(), latent_dim=2)
        >>> layer = init_output_bias(model, np.full((10, 4), 0.5, dtype="float32"))
        >>> layer.bias.numpy().round(6).tolist()
        [0.0, 0.0, 0.0, 0.0]
    """
    where = "init_output_bias"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    layer = _output_dense(model)
    if layer is None or not layer.use_bias:
        raise ValueError(message(where, "model", "a model whose output comes from a Dense layer with a bias "
                                 "(optionally followed by a Reshape)", model.name,
                                 "Train it with init_output_bias=False."))
    activation = keras.activations.serialize(layer.activation)
    activation = activation if isinstance(activation, str) else activation.get("config", {}).get("name", activation)
    if activation not in ("sigmoid", "linear"):
        raise ValueError(message(where, "model", f"an output layer with a 'sigmoid' or 'linear' activation "
                                 f"(layer {layer.name!r} has {activation!r})", model.name,
                                 "Train it with init_output_bias=False."))
    x = check_array(x, "x", where=where, min_ndim=2)
    if int(np.prod(x.shape[1:])) != layer.units:
        raise ValueError(message(where, "x", f"an array of shape (n, ...) with {layer.units} values per example, "
                                 f"the output units of layer {layer.name!r}", x))
    mean = x.reshape(len(x), -1).mean(axis=0, dtype="float64")
    if activation == "sigmoid":
        mean = np.clip(mean, 1e-3, 1 - 1e-3)
        mean = np.log(mean / (1 - mean))
    layer.bias.assign(mean.astype("float32"))
    return layer


def _validation_arrays(validation_data, where):
    if isinstance(validation_data, (tuple, list)) and len(validation_data) != 2:
        raise ValueError(message(where, "validation_data", "(x_val, y_val) or x_val", validation_data))
    if isinstance(validation_data, tuple):
        x_val = check_array(validation_data[0], "validation_data[0]", where=where, min_ndim=2)
        y_val = check_array(validation_data[1], "validation_data[1]", where=where, min_ndim=2)
    else:
        x_val = y_val = check_array(validation_data, "validation_data", where=where, min_ndim=2)
    if len(x_val) != len(y_val):
        raise ValueError(message(where, "validation_data", "inputs and targets with as many examples each",
                                 (x_val, y_val)))
    return x_val, y_val


def fit_fast(model, x, y=None, *, recipe=None, validation_data=None, target_loss=None,
             loss="binary_crossentropy", seed=0, every=0, **overrides):
    """Train ``model`` with the course's fast recipe: a compiled epoch over in-memory data.

    The model is compiled with ``loss`` and the recipe's optimizer (Adam with warm-up
    and cosine decay). The training data is copied once into a float32 tensor; each
    epoch draws a fresh shuffle (from ``seed``) and runs all its gradient steps inside
    one compiled TensorFlow function (with XLA unless ``jit_compile=False``), so Python
    and the data pipeline cost nothing per step; the weights are updated by the
    optimizer's own ``apply``. After every epoch the validation loss is computed (its
    time is included in the wall-clock times and also reported alone), and training
    stops early once it is at or below ``target_loss``.

    Args:
        model: a Keras model (compiled or not; it is recompiled).
        x: training inputs, shaped ``(n, ...)``.
        y: training targets; ``None`` for an autoencoder (targets = inputs).
        recipe: a :class:`FastRecipe` (default ``FastRecipe()``).
        validation_data: ``(x_val, y_val)``, or just ``x_val`` for an autoencoder.
        target_loss: stop at the end of the first epoch whose validation loss is at
            or below this value (needs ``validation_data``).
        loss: a Keras loss (name or object).
        seed: seed of the shuffles.
        every: print a :class:`~aecourse.training.CompactProgress` line every this many
            epochs (0 for silence).
        **overrides: fields of the recipe to change, e.g. ``epochs=10``.

    Returns:
        A :class:`~aecourse.training.FitResult` with ``history["loss"]`` (mean training
        loss of each epoch) and, with validation data, ``history["val_loss"]``; its
        ``seconds`` (the whole run), ``times`` (wall time at the end of each epoch,
        since the start), ``epoch_seconds`` (the training part of each epoch; the first
        includes compiling the loop), ``eval_seconds`` (validation), ``reached_at``
        (wall time when ``target_loss`` was reached, or ``None``), ``target_loss`` and
        ``recipe``.

    Raises:
        TypeError: for a model, recipe or data of the wrong type, or an unknown
            recipe field.
        ValueError: for a bad recipe, empty or mismatched data, or ``target_loss``
            without ``validation_data``.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> x = np.random.default_rng(0).random((512, 16), dtype="float32")
        >>> model = dense_autoencoder(input_shape=(16,), hidden_units=(8,), latent_dim=4)
        >>> result = fit_fast(model, x, epochs=2, batch_size=128, jit_compile=False)
        >>> len(result.history["loss"]), result.recipe.batch_size
        (2, 128)
    """
    where = "fit_fast"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"{where}: Expected the TensorFlow backend. Received: backend="
                         f"{keras.backend.backend()!r}. Set KERAS_BACKEND=tensorflow, or train with train().")
    recipe = FastRecipe() if recipe is None else recipe
    check_instance(recipe, "recipe", FastRecipe, where=where, expected="a FastRecipe")
    fields = [f.name for f in dataclasses.fields(FastRecipe)]
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise TypeError(f"{where}: got unknown argument(s) {unknown}. Expected keyword arguments of "
                        f"fit_fast or fields of FastRecipe: {fields}.")
    recipe = dataclasses.replace(recipe, **overrides)
    every = check_int(every, "every", where=where, min_value=0)
    seed = check_int(seed, "seed", where=where, min_value=0)

    x = check_array(x, "x", where=where, min_ndim=2)
    y = x if y is None else check_array(y, "y", where=where, min_ndim=2)
    if len(y) != len(x):
        raise ValueError(message(where, "y", f"an array with as many examples as x ({len(x)})", y))
    if validation_data is not None:
        x_val, y_val = _validation_arrays(validation_data, where)
    if target_loss is not None:
        if validation_data is None:
            raise ValueError(message(where, "target_loss", "None when there is no validation_data",
                                     target_loss, "Pass validation_data to measure the loss on."))
        target_loss = check_float(target_loss, "target_loss", where=where, min_value=0)

    import tensorflow as tf

    steps = recipe.steps_per_epoch(len(x))
    if recipe.init_output_bias:
        init_output_bias(model, y)
    model.compile(optimizer=recipe.optimizer(steps), loss=loss)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    x_all = tf.constant(x)
    y_all = x_all if y is x else tf.constant(y)

    @tf.function(jit_compile=recipe.jit_compile, reduce_retracing=True)
    def run_epoch(x_all, y_all, batches):
        def step(i, total):
            index = batches[i]
            xb = tf.gather(x_all, index)
            yb = xb if y is x else tf.gather(y_all, index)
            with tf.GradientTape() as tape:
                pred = model(xb, training=True)
                value = model.compute_loss(x=xb, y=yb, y_pred=pred, training=True)
            grads = tape.gradient(value, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)
            return i + 1, total + tf.cast(value, tf.float32)

        n = tf.shape(batches)[0]
        _, total = tf.while_loop(lambda i, _: i < n, step, (tf.constant(0), tf.constant(0.0)))
        return total / tf.cast(n, tf.float32)

    @tf.function(reduce_retracing=True)
    def val_loss_of(xb, yb):
        return tf.cast(model.compute_loss(x=xb, y=yb, y_pred=model(xb, training=False), training=False), tf.float32)

    def validate():
        total, chunk = 0.0, 4096
        for start in range(0, len(x_val), chunk):
            xb, yb = x_val[start:start + chunk], y_val[start:start + chunk]
            total += float(val_loss_of(tf.constant(xb), tf.constant(yb))) * len(xb)
        return total / len(x_val)

    logs_by_name = {"loss": []}
    if validation_data is not None:
        logs_by_name["val_loss"] = []
    times, epoch_seconds, eval_seconds, reached_at = [], [], 0.0, None
    progress = CompactProgress(every=every) if every else None
    if progress is not None:
        progress.params = {"epochs": recipe.epochs}
        progress.on_train_begin()
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(recipe.epochs):
        order = rng.permutation(len(x))[: steps * recipe.batch_size].reshape(steps, recipe.batch_size)
        began = time.perf_counter()
        logs = {"loss": float(run_epoch(x_all, y_all, tf.constant(order.astype("int32"))))}
        epoch_seconds.append(time.perf_counter() - began)
        if validation_data is not None:
            began = time.perf_counter()
            logs["val_loss"] = validate()
            eval_seconds += time.perf_counter() - began
        for name, value in logs.items():
            logs_by_name[name].append(value)
        times.append(time.perf_counter() - start)
        if progress is not None:
            progress.on_epoch_end(epoch, logs)
        if target_loss is not None and logs["val_loss"] <= target_loss:
            reached_at = times[-1]
            break
    return FitResult(history=logs_by_name, seconds=time.perf_counter() - start, times=tuple(times),
                     epoch_seconds=tuple(epoch_seconds), eval_seconds=eval_seconds, reached_at=reached_at,
                     target_loss=target_loss, recipe=recipe)
