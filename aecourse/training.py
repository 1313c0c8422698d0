"""Training helpers: reproducible seeds and compact progress for notebooks.

Keras' default progress bar prints a line per batch; on a rendered page 50 epochs of
it bury the chapter. :class:`CompactProgress` prints one short line every few epochs
instead, and :func:`train` wraps ``model.fit`` with it.
"""

from __future__ import annotations

import numbers
import sys
import time

import keras

__all__ = ["set_seed", "CompactProgress", "train"]


def set_seed(seed=0, deterministic=True):
    """Seed Python, NumPy and the Keras backend, and make TensorFlow ops deterministic.

    Call it once at the top of a notebook or script; two runs on the same machine then
    print the same numbers.

    Args:
        seed: an integer seed.
        deterministic: also ask TensorFlow for deterministic kernels
            (``tf.config.experimental.enable_op_determinism``), so that multi-threaded
            reductions add up in the same order every time.

    Example:
        >>> set_seed(0)
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"set_seed(seed={seed!r}): expected a non-negative integer")
    keras.utils.set_random_seed(int(seed))
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def _format_value(value):
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.3e}"


class CompactProgress(keras.callbacks.Callback):
    """Print one line every ``every`` epochs: epoch, logged values, elapsed time.

    The line reads, for example::

        epoch  10/50  loss 0.1534  val_loss 0.1529  [12.3 s]

    The first and the last epoch are always printed.

    Args:
        every: print every this many epochs.
        metrics: names of the logged values to show (default: all of them, in the
            order Keras logs them).
        stream: where to print (default ``sys.stdout``).

    Example:
        >>> model.fit(x, x, epochs=50, verbose=0, callbacks=[CompactProgress(every=10)])  # doctest: +SKIP
    """

    def __init__(self, every=10, metrics=None, stream=None):
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1:
            raise ValueError(f"CompactProgress(every={every!r}): expected a positive integer")
        self.every = int(every)
        self.metrics = None if metrics is None else list(metrics)
        self.stream = stream
        self._start = None
        self._epochs = None

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        self._epochs = self.params.get("epochs") if self.params else None

    def format_line(self, epoch, logs, elapsed):
        """The printed line for ``epoch`` (1-based) with ``logs`` after ``elapsed`` seconds."""
        total = self._epochs or epoch
        width = len(str(total))
        names = self.metrics if self.metrics is not None else [k for k in logs if k != "learning_rate"]
        values = "  ".join(f"{k} {_format_value(float(logs[k]))}" for k in names if k in logs)
        return f"epoch {epoch:>{width}}/{total}  {values}  [{elapsed:.1f} s]"

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done == 1 or done % self.every == 0 or done == self._epochs:
            line = self.format_line(done, logs or {}, time.perf_counter() - self._start)
            print(line, file=self.stream or sys.stdout, flush=True)


def train(model, x, y=None, *, epochs, batch_size=256, validation_data=None, shuffle=True,
          every=10, callbacks=(), **fit_kwargs):
    """``model.fit`` with compact progress instead of Keras' per-batch bar.

    Args:
        model: a compiled Keras model.
        x: training inputs.
        y: training targets; for an autoencoder leave it ``None`` to use ``x``.
        epochs: number of epochs.
        batch_size: examples per gradient step.
        validation_data: ``(x_val, y_val)``, or just ``x_val`` for an autoencoder.
        shuffle: shuffle the training data every epoch.
        every: print a progress line every this many epochs (0 for silence).
        callbacks: more Keras callbacks.
        **fit_kwargs: passed to ``model.fit``.

    Returns:
        The ``keras.callbacks.History``; its extra attribute ``seconds`` holds the
        wall-clock time of the whole ``fit``.

    Example:
        >>> history = train(model, x_train, epochs=50, validation_data=x_test)  # doctest: +SKIP
    """
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise ValueError("train: the model is not compiled; call model.compile(optimizer=..., loss=...) first")
    if y is None:
        y = x
    if validation_data is not None and not isinstance(validation_data, tuple):
        validation_data = (validation_data, validation_data)
    callbacks = list(callbacks)
    if every:
        callbacks.append(CompactProgress(every=every))
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                        validation_data=validation_data, verbose=0, callbacks=callbacks, **fit_kwargs)
    history.seconds = time.perf_counter() - start
    return history


# ------------------------------------------------------------------ fast recipe
#
# The article's recipe (Adam at 1e-3, batch 256, 50 epochs through ``model.fit``) spends
# much of its time outside the matrix multiplications: Keras' data pipeline hands over
# one batch per Python step. The fast recipe below keeps the data in memory as one
# tensor, runs a whole epoch inside one XLA-compiled TensorFlow function with a fused
# Adam update, and uses a higher peak learning rate with warm-up and cosine decay. The
# appendix "Training fast on a CPU" and ``python -m aecourse.bench`` measure what each
# ingredient is worth.

import dataclasses  # noqa: E402

import numpy as np  # noqa: E402

__all__ += ["FastRecipe", "fit_fast", "init_output_bias"]


def _check_number(value, what, low, high, *, integer=False, low_open=False):
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, numbers.Integral if integer else numbers.Real) and not isinstance(value, bool)
    if not ok_type:
        raise ValueError(f"{what} must be {kind} in {'(' if low_open else '['}{low}, {high}], "
                         f"received {value!r} ({type(value).__name__})")
    if not (low < value <= high if low_open else low <= value <= high):
        raise ValueError(f"{what} must be {kind} in {'(' if low_open else '['}{low}, {high}], received {value!r}")
    return int(value) if integer else float(value)


@dataclasses.dataclass(frozen=True)
class FastRecipe:
    """The course's fast training recipe for small autoencoders on a CPU.

    Adam with a learning rate that warms up linearly from
    ``learning_rate * start_fraction`` to ``learning_rate`` over the first
    ``warmup_fraction`` of the steps, then follows a cosine down to
    ``learning_rate * end_fraction`` at the last step (a "one-cycle" schedule,
    :class:`keras.optimizers.schedules.CosineDecay` with warm-up). The schedule is laid
    out for ``epochs`` epochs, so stopping earlier (at a target loss) leaves the rate
    where it was. :func:`fit_fast` applies the recipe.

    Args:
        batch_size: examples per gradient step.
        learning_rate: the peak learning rate, reached at the end of the warm-up.
        epochs: the length of the schedule, in passes over the training data.
        warmup_fraction: fraction of all steps spent warming up, in [0, 1).
        start_fraction: the first step's rate as a fraction of ``learning_rate``.
        end_fraction: the last step's rate as a fraction of ``learning_rate``.
        init_output_bias: before training, set the output layer's bias so that the
            untrained model outputs the mean training example
            (:func:`init_output_bias`).
        fused_adam: update each weight with TensorFlow's fused Adam kernel (one
            operation per weight instead of about ten); the same arithmetic as Keras'
            Adam, on the optimizer's own state. Falls back to Keras' update when the
            optimizer uses options the kernel lacks (AMSGrad, clipping, weight decay).
        jit_compile: compile the training loop with XLA, which fuses the element-wise
            work (activations, loss, optimizer) around the matrix products.

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
    fused_adam: bool = True
    jit_compile: bool = True

    def __post_init__(self):
        _check_number(self.batch_size, "FastRecipe: batch_size", 1, 1 << 20, integer=True)
        _check_number(self.learning_rate, "FastRecipe: learning_rate", 0, 10, low_open=True)
        _check_number(self.epochs, "FastRecipe: epochs", 1, 100_000, integer=True)
        _check_number(self.warmup_fraction, "FastRecipe: warmup_fraction", 0, 0.999)
        _check_number(self.start_fraction, "FastRecipe: start_fraction", 0, 1)
        _check_number(self.end_fraction, "FastRecipe: end_fraction", 0, 1)
        for name in ("init_output_bias", "fused_adam", "jit_compile"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"FastRecipe: {name} must be True or False, received {getattr(self, name)!r}")

    def steps_per_epoch(self, n_examples):
        """Gradient steps in one pass over ``n_examples`` (a last partial batch is dropped).

        Args:
            n_examples: number of training examples.

        Returns:
            ``n_examples // batch_size``.

        Example:
            >>> FastRecipe(batch_size=512).steps_per_epoch(60000)
            117
        """
        n = _check_number(n_examples, "steps_per_epoch: n_examples", 1, 1 << 40, integer=True)
        if n < self.batch_size:
            raise ValueError(f"steps_per_epoch: {n} examples are fewer than one batch of {self.batch_size}; "
                             "use a smaller batch_size")
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
        steps = _check_number(steps_per_epoch, "learning_rate_schedule: steps_per_epoch", 1, 1 << 40, integer=True)
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
            >>> FastRecipe().optimizer(234).name
            'adam'
        """
        return keras.optimizers.Adam(learning_rate=self.learning_rate_schedule(steps_per_epoch))


def _output_dense(model):
    """The Dense layer that produces the model's output (looking inside nested models)."""
    layer = model
    while isinstance(layer, keras.Model):
        inner = [l for l in layer.layers if not isinstance(l, keras.layers.InputLayer)]
        if not inner:
            return None
        layer = inner[-1]
        while not isinstance(layer, (keras.Model, keras.layers.Dense)):
            index = inner.index(layer)
            if index == 0 or not isinstance(layer, (keras.layers.Reshape, keras.layers.Activation)):
                return None
            layer = inner[index - 1]
    return layer if isinstance(layer, keras.layers.Dense) else None


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
        ValueError: if the model's output does not come from such a layer, or if ``x``
            does not match the output size.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> model = dense_autoencoder(input_shape=(4,), hidden_units=(), latent_dim=2)
        >>> layer = init_output_bias(model, np.full((10, 4), 0.5, dtype="float32"))
        >>> layer.bias.numpy().round(6).tolist()
        [0.0, 0.0, 0.0, 0.0]
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"init_output_bias: expected a keras.Model, received {type(model).__name__}")
    layer = _output_dense(model)
    if layer is None or not layer.use_bias:
        raise ValueError(f"init_output_bias: the output of model {model.name!r} does not come from a Dense layer "
                         "with a bias (optionally followed by a Reshape)")
    activation = keras.activations.serialize(layer.activation)
    activation = activation if isinstance(activation, str) else activation.get("config", {}).get("name", activation)
    if activation not in ("sigmoid", "linear"):
        raise ValueError(f"init_output_bias: the output layer {layer.name!r} has activation {activation!r}; "
                         "expected 'sigmoid' or 'linear'")
    x = np.asarray(x, dtype="float32")
    if x.ndim < 2 or int(np.prod(x.shape[1:])) != layer.units:
        raise ValueError(f"init_output_bias: x of shape {x.shape} does not match the {layer.units} output units "
                         f"of layer {layer.name!r}; expected shape (n, ...) with {layer.units} values per example")
    mean = x.reshape(len(x), -1).mean(axis=0, dtype="float64")
    if activation == "sigmoid":
        mean = np.clip(mean, 1e-3, 1 - 1e-3)
        mean = np.log(mean / (1 - mean))
    layer.bias.assign(mean.astype("float32"))
    return layer


def _can_fuse_adam(optimizer):
    return (type(optimizer) is keras.optimizers.Adam and not optimizer.amsgrad
            and optimizer.clipnorm is None and optimizer.clipvalue is None and optimizer.global_clipnorm is None
            and not optimizer.weight_decay and not optimizer.use_ema
            and hasattr(optimizer, "_momentums") and hasattr(optimizer, "_velocities"))


def _fused_adam_apply(optimizer, grads, variables):
    """One Adam step with ``tf.raw_ops.ResourceApplyAdam`` on the optimizer's own slots.

    Keras' Adam computes, per weight, ``m += (g - m)(1 - beta_1)``,
    ``v += (g^2 - v)(1 - beta_2)`` and ``w -= alpha m / (sqrt(v) + epsilon)`` with
    ``alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)``, as about ten TensorFlow
    operations; the fused kernel does the same in one.
    """
    import tensorflow as tf

    lr = tf.cast(optimizer.learning_rate, tf.float32)
    step = tf.cast(optimizer.iterations + 1, tf.float32)
    beta_1 = tf.constant(optimizer.beta_1, tf.float32)
    beta_2 = tf.constant(optimizer.beta_2, tf.float32)
    epsilon = tf.constant(optimizer.epsilon, tf.float32)
    beta_1_power, beta_2_power = tf.pow(beta_1, step), tf.pow(beta_2, step)
    for grad, variable in zip(grads, variables):
        index = optimizer._get_variable_index(variable)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=optimizer._momentums[index].handle, v=optimizer._velocities[index].handle,
            beta1_power=beta_1_power, beta2_power=beta_2_power, lr=lr, beta1=beta_1, beta2=beta_2,
            epsilon=epsilon, grad=tf.cast(grad, tf.float32))
    optimizer.iterations.assign_add(1)


def _as_float32_array(x, what):
    try:
        array = np.asarray(x, dtype="float32")
    except (TypeError, ValueError) as exc:
        raise TypeError(f"fit_fast: {what} must be an array of numbers, received {type(x).__name__} ({exc})") from None
    if array.ndim < 2 or len(array) == 0:
        raise ValueError(f"fit_fast: {what} must have shape (n_examples, ...) with n_examples >= 1, "
                         f"received shape {array.shape}")
    return array


def fit_fast(model, x, y=None, *, recipe=None, validation_data=None, target_loss=None,
             loss="binary_crossentropy", seed=0, every=0, **overrides):
    """Train ``model`` with the course's fast recipe: a compiled epoch over in-memory data.

    The model is compiled with ``loss`` and the recipe's optimizer (Adam with warm-up
    and cosine decay). The training data is copied once into a float32 tensor; each
    epoch draws a fresh shuffle (from ``seed``) and runs all its gradient steps inside
    one compiled TensorFlow function (with XLA unless ``jit_compile=False``), so Python
    and the data pipeline cost nothing per step. After every epoch the validation loss
    is computed (its time is included in the wall-clock times and also reported
    alone), and training stops early once it is at or below ``target_loss``.

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
        every: print a :class:`CompactProgress`-style line every this many epochs
            (0 for silence).
        **overrides: fields of the recipe to change, e.g. ``epochs=10``.

    Returns:
        A ``keras.callbacks.History`` with ``history["loss"]`` (mean training loss of
        each epoch) and ``history["val_loss"]``, plus the attributes ``seconds`` (wall
        time of the whole run), ``times`` (wall time at the end of each epoch, since the
        start), ``epoch_seconds`` (the training part of each epoch; the first includes
        compiling the loop), ``eval_seconds`` (total time spent on validation),
        ``reached_at`` (wall time when ``target_loss`` was reached, or ``None``) and
        ``recipe``.

    Raises:
        ValueError: for a bad recipe, empty or mismatched data, or ``target_loss``
            without ``validation_data``.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> x = np.random.default_rng(0).random((512, 16), dtype="float32")
        >>> model = dense_autoencoder(input_shape=(16,), hidden_units=(8,), latent_dim=4)
        >>> history = fit_fast(model, x, epochs=2, batch_size=128)
        >>> len(history.history["loss"])
        2
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"fit_fast: expected a keras.Model, received {type(model).__name__}")
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"fit_fast: needs the TensorFlow backend, the Keras backend is {keras.backend.backend()!r}")
    recipe = FastRecipe() if recipe is None else recipe
    if not isinstance(recipe, FastRecipe):
        raise TypeError(f"fit_fast: recipe must be a FastRecipe, received {type(recipe).__name__}")
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(FastRecipe)})
    if unknown:
        raise TypeError(f"fit_fast: unknown argument(s) {unknown}; recipe fields are "
                        f"{[f.name for f in dataclasses.fields(FastRecipe)]}")
    recipe = dataclasses.replace(recipe, **overrides)
    if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 0:
        raise ValueError(f"fit_fast: every must be a non-negative integer, received {every!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"fit_fast: seed must be a non-negative integer, received {seed!r}")

    x = _as_float32_array(x, "x")
    y = x if y is None else _as_float32_array(y, "y")
    if len(y) != len(x):
        raise ValueError(f"fit_fast: x has {len(x)} examples but y has {len(y)}")
    if validation_data is not None:
        if isinstance(validation_data, tuple):
            if len(validation_data) != 2:
                raise ValueError("fit_fast: validation_data must be (x_val, y_val) or x_val, "
                                 f"received a tuple of {len(validation_data)}")
            x_val = _as_float32_array(validation_data[0], "validation inputs")
            y_val = _as_float32_array(validation_data[1], "validation targets")
        else:
            x_val = y_val = _as_float32_array(validation_data, "validation_data")
        if len(x_val) != len(y_val):
            raise ValueError(f"fit_fast: validation inputs have {len(x_val)} examples but targets have {len(y_val)}")
    if target_loss is not None:
        if validation_data is None:
            raise ValueError("fit_fast: target_loss needs validation_data to measure the loss on")
        target_loss = _check_number(target_loss, "fit_fast: target_loss", 0, float("inf"))

    import tensorflow as tf

    steps = recipe.steps_per_epoch(len(x))
    if recipe.init_output_bias:
        init_output_bias(model, y)
    model.compile(optimizer=recipe.optimizer(steps), loss=loss)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    fused = recipe.fused_adam and _can_fuse_adam(optimizer) and all(
        v.dtype == "float32" for v in model.trainable_variables)
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
            if fused:
                _fused_adam_apply(optimizer, grads, model.trainable_variables)
            else:
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

    history = keras.callbacks.History()
    history.set_model(model)
    history.on_train_begin()
    history.history = {"loss": []}
    if validation_data is not None:
        history.history["val_loss"] = []
    history.times, history.epoch_seconds, history.eval_seconds = [], [], 0.0
    history.reached_at, history.recipe = None, recipe
    progress = CompactProgress(every=every) if every else None
    if progress is not None:
        progress.params = {"epochs": recipe.epochs}
        progress.on_train_begin()
    rng = np.random.default_rng(int(seed))
    start = time.perf_counter()
    for epoch in range(recipe.epochs):
        order = rng.permutation(len(x))[: steps * recipe.batch_size].reshape(steps, recipe.batch_size)
        began = time.perf_counter()
        logs = {"loss": float(run_epoch(x_all, y_all, tf.constant(order.astype("int32"))))}
        history.epoch_seconds.append(time.perf_counter() - began)
        history.epoch.append(epoch)
        history.history["loss"].append(logs["loss"])
        if validation_data is not None:
            began = time.perf_counter()
            logs["val_loss"] = validate()
            history.eval_seconds += time.perf_counter() - began
            history.history["val_loss"].append(logs["val_loss"])
        history.times.append(time.perf_counter() - start)
        if progress is not None:
            progress.on_epoch_end(epoch, logs)
        if target_loss is not None and logs["val_loss"] <= target_loss:
            history.reached_at = history.times[-1]
            break
    history.seconds = time.perf_counter() - start
    return history
