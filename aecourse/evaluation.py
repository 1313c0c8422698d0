"""Honest comparisons: reconstruction metrics, fit-and-score, runs over seeds, rankings.

The book's comparison rule, in code:

- score every model with the same metrics (:func:`reconstruction_metrics`: BCE, BCE
  above its floor, MSE and PSNR, from :mod:`aecourse.losses`);
- train and score a model in one call (:func:`fit_and_score`): training data only,
  with a validation split carved from the training images
  (:func:`aecourse.data.split_validation`), and the held-out test set scored once,
  at the end;
- run the same experiment over several seeds (:func:`over_seeds`), which gives a
  tidy table of every seed's numbers with their mean, standard deviation and spread;
- rank two or more such results (:func:`rank`) only when the data supports it: one
  is better only if it is better on every seed or if the gap between the means is
  larger than the spread measured over seeds; otherwise the verdict says that the
  difference is within the spread. The verdict prints as a sentence, so a chapter
  that prints it fails its check if the ranking ever flips.

Example:
    >>> a = SeedResults("conv", (0, 1, 2), {"bce": (0.150, 0.152, 0.151)})
    >>> b = SeedResults("dense", (0, 1, 2), {"bce": (0.160, 0.158, 0.161)})
    >>> print(rank([a, b], "bce", label="test BCE"))
    conv has a lower test BCE than dense (mean 0.151 vs 0.1597 over 3 seeds).
"""

from __future__ import annotations

import dataclasses
import html
import math
import numbers
from collections.abc import Mapping

import numpy as np

from aecourse import losses
from aecourse.data import split_validation
from aecourse.validation import (check_array, check_callable, check_float, check_instance, check_int, check_loss,
                                 check_one_of, check_same_scale, check_values, message)

__all__ = [
    "reconstruction_metrics",
    "FitScore",
    "fit_and_score",
    "SeedResults",
    "over_seeds",
    "Comparison",
    "Verdict",
    "rank",
]


# ------------------------------------------------------------------- metrics


def reconstruction_metrics(x_true, x_pred, *, data_range=1.0):
    """BCE, BCE above its floor, MSE and PSNR of a reconstruction, in one dict.

    All four are means over every value (every pixel of every example), computed with
    :mod:`aecourse.losses`: ``bce`` (:func:`~aecourse.losses.bce`), ``bce_above_floor``
    (``bce`` minus :func:`~aecourse.losses.bce_floor` of the targets: what a model can
    still improve, comparable across datasets), ``mse`` (:func:`~aecourse.losses.mse`)
    and ``psnr`` in dB (:func:`~aecourse.losses.psnr` of the overall MSE). BCE is
    defined for values in [0, 1] only: when the targets or the predictions leave that
    range (a linear output layer), ``bce`` and ``bce_above_floor`` are NaN.

    Args:
        x_true: the targets (for an autoencoder, its inputs).
        x_pred: the reconstruction, same shape.
        data_range: the span of possible values, for PSNR (1.0 for images in [0, 1]).

    Returns:
        ``{"bce": ..., "bce_above_floor": ..., "mse": ..., "psnr": ...}``, floats.

    Raises:
        ValueError: as :func:`aecourse.losses.mse` and :func:`aecourse.losses.psnr`
            (shapes differ, empty, NaN or inf, 8-bit images next to [0, 1] data, data
            spanning more than ``data_range``), or a ``data_range`` that is not > 0.
        TypeError: for non-numeric arrays or a non-numeric ``data_range``.

    Example:
        >>> x = np.array([[0.0, 0.5, 1.0]])
        >>> metrics = reconstruction_metrics(x, np.array([[0.1, 0.5, 0.9]]))
        >>> {name: round(value, 4) for name, value in metrics.items()}
        {'bce': 0.3013, 'bce_above_floor': 0.0702, 'mse': 0.0067, 'psnr': 21.7609}
    """
    where = "reconstruction_metrics"
    data_range = check_float(data_range, "data_range", where=where, min_value=0, min_inclusive=False,
                             fix="Use 1.0 for images in [0, 1], 255 for 8-bit images.")
    a, a_range, b, b_range = losses._pair(x_true, x_pred, where)
    losses._check_span(a, a_range, data_range, where)
    check_same_scale(a, a_range, b, b_range, ("x_true", "x_pred"), where=where)
    with np.errstate(over="ignore"):
        mse = losses._reduce(losses._finite_sums(losses._row_sums(losses._squared_error, a, b), where), a, False)
    with np.errstate(divide="ignore"):
        psnr = float(10.0 * (2.0 * np.log10(data_range) - np.log10(mse)))  # as losses.psnr, from the same MSE
    if min(a_range[0], b_range[0]) >= 0 and max(a_range[1], b_range[1]) <= 1:
        bce = losses.bce(a, b)
        above = bce - losses.bce_floor(a)
    else:
        bce = above = math.nan
    return {"bce": bce, "bce_above_floor": above, "mse": mse, "psnr": psnr}


# -------------------------------------------------------------- fit and score


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class FitScore:
    """A model trained on training data and scored once on held-out data: :func:`fit_and_score`.

    Attributes:
        metrics: :func:`reconstruction_metrics` on the held-out set: ``{"bce",
            "bce_above_floor", "mse", "psnr"}``.
        parameters: the model's parameter count.
        seconds: wall time of the training (validation included, scoring excluded).
        epochs: epochs trained.
        validation_loss: the loss on the validation split after the last epoch (the
            compiled loss, penalties included), or ``None`` without a validation split.
        recipe: the :class:`~aecourse.training.KerasRecipe` or
            :class:`~aecourse.fast.FastRecipe` trained with.
        fit: the :class:`~aecourse.training.FitResult` of the training.
        model: the trained model.
        predictions: the model's outputs for the held-out inputs.

    Example:
        >>> score = FitScore(metrics={"bce": 0.2, "bce_above_floor": 0.05, "mse": 0.01, "psnr": 20.0},
        ...                  parameters=100, seconds=4.0, epochs=2, validation_loss=None)
        >>> score.seconds_per_epoch, score.as_dict()["parameters"]
        (2.0, 100)
    """

    metrics: dict
    parameters: int
    seconds: float
    epochs: int
    validation_loss: float | None = None
    recipe: object = None
    fit: object = None
    model: object = None
    predictions: np.ndarray | None = None

    @property
    def seconds_per_epoch(self) -> float:
        """Training wall time divided by the number of epochs."""
        return self.seconds / self.epochs

    def as_dict(self):
        """The numbers as one flat dict: the metrics, parameters, time, validation loss.

        This is the row a function passed to :func:`over_seeds` can return.

        Returns:
            ``{"bce", "bce_above_floor", "mse", "psnr", "parameters", "seconds",
            "seconds_per_epoch"}`` and ``"validation_loss"`` when there was a validation
            split.

        Example:
            >>> FitScore({"mse": 0.01}, 10, 3.0, 3, validation_loss=0.02).as_dict()
            {'mse': 0.01, 'parameters': 10, 'seconds': 3.0, 'seconds_per_epoch': 1.0, 'validation_loss': 0.02}
        """
        row = dict(self.metrics, parameters=self.parameters, seconds=self.seconds,
                   seconds_per_epoch=self.seconds_per_epoch)
        if self.validation_loss is not None:
            row["validation_loss"] = self.validation_loss
        return row

    def __repr__(self):
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in self.metrics.items())
        return f"FitScore({metrics}, parameters={self.parameters:,}, seconds={self.seconds:.3g})"


def fit_and_score(model, x_train, x_test, *, recipe=None, y_train=None, y_test=None, loss="binary_crossentropy",
                  validation_size=0.1, seed=0, every=0):
    """Train a model with a recipe on training data, then score it once on held-out data.

    1. A validation split is carved from the training data
       (:func:`aecourse.data.split_validation` with ``validation_size`` and ``seed``);
       the model trains on the rest and reports its validation loss. Choose and stop
       on that, never on the test set.
    2. The model is compiled with ``loss`` and the recipe's optimizer and trained:
       with :func:`aecourse.training.train` (``model.fit``) for a
       :class:`~aecourse.training.KerasRecipe`, or with :func:`aecourse.fast.fit_fast`
       for a :class:`~aecourse.fast.FastRecipe`.
    3. The test inputs are reconstructed once and scored with
       :func:`reconstruction_metrics`.

    For runs that repeat, seed everything first: call
    :func:`aecourse.training.set_seed` with the same seed *before* building the model,
    so that its initial weights and the shuffles follow the seed too.

    Args:
        model: a Keras model (it is compiled here).
        x_train: training inputs, ``(n, ...)``.
        x_test: held-out inputs, scored once after training.
        recipe: a :class:`~aecourse.training.KerasRecipe` (default: its defaults, the
            article's recipe) or a :class:`~aecourse.fast.FastRecipe`.
        y_train: training targets (default: ``x_train``, an autoencoder); for a
            denoising autoencoder, the clean images of the noisy ``x_train``.
        y_test: held-out targets (default: ``x_test``).
        loss: a Keras loss, name or object.
        validation_size: the validation split, a fraction in (0, 1) or a number of
            examples; 0 trains on every training example, without validation.
        seed: seed of the validation split (and of the fast recipe's shuffles).
        every: print a progress line every this many epochs (0 for silence).

    Returns:
        A :class:`FitScore`.

    Raises:
        TypeError: for a model, recipe or loss of the wrong type, or non-numeric data.
        ValueError: for data of mismatched lengths or shapes (inputs shaped unlike the
            model's input, targets unlike its output), NaN or infinite values,
            targets outside [0, 1] with a binary cross-entropy loss (8-bit images:
            divide by 255), a loss name Keras does not know, or a bad
            ``validation_size``.

    Example:
        >>> from aecourse.models import dense_autoencoder
        >>> from aecourse.training import KerasRecipe, set_seed
        >>> x = np.random.default_rng(0).random((40, 16), dtype="float32")
        >>> set_seed(0)
        >>> score = fit_and_score(dense_autoencoder((16,), (8,), 4), x[:30], x[30:],
        ...                       recipe=KerasRecipe(epochs=2, batch_size=8))
        >>> sorted(score.metrics), score.parameters, score.epochs, score.predictions.shape
        (['bce', 'bce_above_floor', 'mse', 'psnr'], 356, 2, (10, 16))
    """
    import keras

    from aecourse.fast import FastRecipe, fit_fast
    from aecourse.training import KerasRecipe, _needs_unit_targets, check_data_shape, check_fit_data, train

    where = "fit_and_score"
    check_instance(model, "model", keras.Model, where=where, expected="a keras.Model")
    recipe = KerasRecipe() if recipe is None else recipe
    check_instance(recipe, "recipe", (KerasRecipe, FastRecipe), where=where,
                   expected="a KerasRecipe or a FastRecipe")
    x_train = check_array(x_train, "x_train", where=where, min_ndim=2)
    x_test = check_array(x_test, "x_test", where=where, min_ndim=2)
    y_train = x_train if y_train is None else check_array(y_train, "y_train", where=where, min_ndim=2)
    y_test = x_test if y_test is None else check_array(y_test, "y_test", where=where, min_ndim=2)
    for name, x, y in (("y_train", x_train, y_train), ("y_test", x_test, y_test)):
        if len(y) != len(x):
            raise ValueError(message(where, name, f"one target per input ({len(x)})", y))
    # shapes now, not after training: a wrong x_test would otherwise lose the trained model's run
    for name, x, y in (("x_train", x_train, y_train), ("x_test", x_test, y_test)):
        check_data_shape(model, x, name, where=where)
        check_data_shape(model, y, name if y is x else "y" + name[1:], where=where, side="output")
    seed = check_int(seed, "seed", where=where, min_value=0)
    every = check_int(every, "every", where=where, min_value=0)
    check_loss(loss, "loss", where=where)
    if _needs_unit_targets(loss):
        for name, y in (("y_train", y_train), ("y_test", y_test)):
            check_values(y, "x_train" if y is x_train else "x_test" if y is x_test else name, where=where,
                         min_value=0, max_value=1,
                         fix="Binary cross-entropy needs targets in [0, 1]: scale the data, or pass loss='mse'.")
    if isinstance(validation_size, (int, np.integer)) and not isinstance(validation_size, bool) \
            and validation_size == 0:
        validation = None
        x_fit, y_fit = x_train, y_train
    else:
        (x_fit, y_fit), validation = split_validation(x_train, y_train, validation_size=validation_size, seed=seed,
                                                           where=where)

    if isinstance(recipe, FastRecipe):
        fit = fit_fast(model, x_fit, y_fit, recipe=recipe, validation_data=validation, loss=loss, seed=seed,
                       every=every)
    else:
        model.compile(optimizer=recipe.optimizer(), loss=loss)
        # train() checks again, but names its own arguments: check the caller's first
        check_fit_data(model, x_train, None if y_train is x_train else y_train, where=where,
                       names=("x_train", "y_train"))
        fit = train(model, x_fit, y_fit, epochs=recipe.epochs, batch_size=recipe.batch_size,
                    validation_data=validation, shuffle=recipe.shuffle, every=every)
    predictions = model.predict(x_test, batch_size=1024, verbose=0)
    return FitScore(
        metrics=reconstruction_metrics(y_test, predictions),
        parameters=int(model.count_params()),
        seconds=fit.seconds,
        epochs=fit.epochs,
        validation_loss=fit.history["val_loss"][-1] if validation is not None else None,
        recipe=recipe,
        fit=fit,
        model=model,
        predictions=predictions,
    )


# --------------------------------------------------------------------- seeds


def _format(value, digits=4):
    """A number as a table shows it: integers whole, floats to ``digits`` significant digits."""
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    return f"{value:.{digits}g}"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class SeedResults:
    """One experiment run over several seeds: what :func:`over_seeds` returns.

    It prints as a text table (one row per seed, then the mean, the standard deviation
    and the spread), renders as an HTML table in Jupyter, and gives its numbers as
    rows (:meth:`rows`) or as a pandas ``DataFrame`` (:meth:`to_pandas`, if pandas is
    installed).

    Attributes:
        name: what was run; :func:`rank` calls it by this name.
        seeds: the seeds, in the order they were run.
        values: ``{metric: (one value per seed, ...)}``, the metrics in the order the
            run returned them.

    Example:
        >>> results = SeedResults("model", (0, 1), {"mse": (0.010, 0.012), "parameters": (10, 10)})
        >>> print(results)
        model, 2 seeds
        seed         mse parameters
        0           0.01         10
        1          0.012         10
        mean       0.011         10
        std     0.001414          0
        spread     0.002          0
    """

    name: str
    seeds: tuple
    values: dict

    def __post_init__(self):
        where = "SeedResults"
        check_instance(self.name, "name", str, where=where, expected="a string")
        if isinstance(self.seeds, (str, bytes)) or not hasattr(self.seeds, "__iter__"):
            raise TypeError(message(where, "seeds", "a sequence of integers such as (0, 1, 2)", self.seeds))
        seeds = tuple(check_int(s, "seeds", where=where, min_value=0) for s in self.seeds)
        if not seeds:
            raise ValueError(message(where, "seeds", "at least one seed", seeds))
        check_instance(self.values, "values", Mapping, where=where, expected="a dict {metric: one value per seed}")
        values = {}
        for metric, row in self.values.items():
            if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
                raise TypeError(message(where, "values", "a dict {metric: one value per seed}", f"{metric}={row!r}"))
            row = tuple(row)
            if len(row) != len(seeds):
                raise ValueError(message(where, "values", f"one value per seed ({len(seeds)}) for every metric",
                                         f"{metric} with {len(row)} values"))
            if not all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in row):
                raise TypeError(message(where, "values", "numbers", f"{metric}={row!r}"))
            values[str(metric)] = row
        object.__setattr__(self, "seeds", seeds)
        object.__setattr__(self, "values", values)

    @property
    def metrics(self):
        """The metric names, in order."""
        return tuple(self.values)

    def _reduce(self, fn):
        return {m: float(fn(np.asarray(v, dtype=np.float64))) for m, v in self.values.items()}

    @property
    def mean(self):
        """``{metric: mean over seeds}``."""
        return self._reduce(np.mean)

    @property
    def std(self):
        """``{metric: standard deviation over seeds}`` (sample, ``ddof=1``; NaN for one seed)."""
        return self._reduce(lambda v: np.std(v, ddof=1) if len(v) > 1 else math.nan)

    @property
    def min(self):
        """``{metric: smallest value over seeds}``."""
        return self._reduce(np.min)

    @property
    def max(self):
        """``{metric: largest value over seeds}``."""
        return self._reduce(np.max)

    @property
    def spread(self):
        """``{metric: max - min over seeds}``: how far apart the seeds landed."""
        return self._reduce(np.ptp)

    def rows(self):
        """One dict per seed, ``{"seed": s, metric: value, ...}``: a tidy table.

        Returns:
            A list of dicts, in the order the seeds were run.

        Example:
            >>> SeedResults("m", (3, 4), {"mse": (0.1, 0.2)}).rows()
            [{'seed': 3, 'mse': 0.1}, {'seed': 4, 'mse': 0.2}]
        """
        return [{"seed": seed, **{m: v[i] for m, v in self.values.items()}} for i, seed in enumerate(self.seeds)]

    def _table(self, digits):
        head = ["seed"] + list(self.metrics)
        body = [[str(seed)] + [_format(self.values[m][i], digits) for m in self.metrics]
                for i, seed in enumerate(self.seeds)]
        integral = {m: all(isinstance(v, numbers.Integral) for v in self.values[m]) for m in self.metrics}
        for label, stats in (("mean", self.mean), ("std", self.std), ("spread", self.spread)):
            body.append([label] + [_format(int(stats[m]) if integral[m] and float(stats[m]).is_integer() else stats[m],
                                           digits) for m in self.metrics])
        return head, body

    def format(self, digits=4):
        """The text table, numbers to ``digits`` significant digits.

        Args:
            digits: significant digits of the numbers (integers are shown whole).

        Returns:
            A string: a title line, then one row per seed, the mean, the standard
            deviation (``ddof=1``) and the spread (max - min).

        Example:
            >>> print(SeedResults("m", (0, 1), {"mse": (0.01234, 0.01256)}).format(digits=2))
            m, 2 seeds
            seed         mse
            0          0.012
            1          0.013
            mean       0.012
            std      0.00016
            spread   0.00022
        """
        digits = check_int(digits, "digits", where="SeedResults.format", min_value=1, max_value=17)
        head, body = self._table(digits)
        widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
        widths[0] = max(widths[0], 6)
        lines = [f"{self.name}, {len(self.seeds)} seed{'s' if len(self.seeds) != 1 else ''}"]
        for row in [head] + body:
            cells = [row[0].ljust(widths[0])] + [c.rjust(max(w, 9)) for c, w in zip(row[1:], widths[1:])]
            lines.append(" ".join(cells).rstrip())
        return "\n".join(lines)

    def __str__(self):
        return self.format()

    def __repr__(self):
        return f"SeedResults(name={self.name!r}, seeds={self.seeds!r}, metrics={list(self.metrics)!r})"

    def _repr_html_(self):
        head, body = self._table(4)
        esc = html.escape
        cells = "".join(f"<th>{esc(h)}</th>" for h in head)
        rows = []
        for i, row in enumerate(body):
            style = ' style="border-top:1px solid #888"' if i == len(self.seeds) else ""
            tag = "td" if i < len(self.seeds) else "th"
            rows.append(f"<tr{style}><{tag}>{esc(row[0])}</{tag}>"
                        + "".join(f'<td style="text-align:right">{esc(c)}</td>' for c in row[1:]) + "</tr>")
        caption = f"{esc(self.name)}, {len(self.seeds)} seed{'s' if len(self.seeds) != 1 else ''}"
        return (f'<table class="aecourse-seeds"><caption style="text-align:left">{caption}</caption>'
                f"<thead><tr>{cells}</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def to_pandas(self):
        """The per-seed numbers as a pandas ``DataFrame`` indexed by seed (pandas is optional).

        Returns:
            A ``pandas.DataFrame`` with one row per seed and one column per metric.

        Raises:
            ImportError: if pandas is not installed (the package does not need it).

        Example:
            >>> SeedResults("m", (0, 1), {"mse": (0.1, 0.2)}).to_pandas()["mse"].tolist()
            [0.1, 0.2]
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SeedResults.to_pandas needs pandas, which aecourse does not require: "
                              "pip install pandas, or use SeedResults.rows() instead.") from None
        return pd.DataFrame(self.rows()).set_index("seed")


def _run_output(out, seed, where):
    if hasattr(out, "as_dict") and callable(out.as_dict):
        out = out.as_dict()
    if not isinstance(out, Mapping) or not out:
        raise TypeError(message(where, "run", "a function whose result is a non-empty dict of numbers "
                                "(or a FitScore)", f"run({seed}) returned {out!r}"))
    clean = {}
    for key, value in out.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(message(where, "run", "a function whose result holds only numbers",
                                    f"run({seed}) returned {key}={value!r}"))
        clean[str(key)] = int(value) if isinstance(value, numbers.Integral) else float(value)
    return clean


def over_seeds(run, seeds=(0, 1, 2), *, name=None):
    """Run an experiment once per seed and gather its numbers in a tidy table.

    ``run(seed)`` trains and scores one configuration with that seed and returns a dict
    of numbers (or a :class:`FitScore`, whose :meth:`~FitScore.as_dict` is used). Seed
    everything inside ``run``: call :func:`aecourse.training.set_seed` with the seed
    before building the model, and pass the seed on to :func:`fit_and_score`.

    Args:
        run: a function of one argument, the seed, returning ``{metric: number}`` with
            the same metrics for every seed.
        seeds: the seeds, distinct non-negative integers (at least 3 to rank results).
        name: what the results are called in tables and rankings (default: the
            function's name).

    Returns:
        A :class:`SeedResults`.

    Raises:
        TypeError: if ``run`` is not callable or returns something other than a dict
            of numbers, or the seeds are not integers.
        ValueError: for no seeds, repeated or negative seeds, or runs that return
            different metrics.

    Example:
        >>> def run(seed):
        ...     noise = np.random.default_rng(seed).normal(0, 0.1, 100)
        ...     return {"mse": float(np.mean(noise ** 2))}
        >>> results = over_seeds(run, seeds=(0, 1, 2))
        >>> results.seeds, round(results.mean["mse"], 4), [round(r["mse"], 4) for r in results.rows()]
        ((0, 1, 2), 0.0086, [0.0093, 0.0073, 0.0091])
    """
    where = "over_seeds"
    check_callable(run, "run", where=where, expected="a function of the seed")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(message(where, "seeds", "a sequence of integers such as (0, 1, 2)", seeds))
    seeds = tuple(check_int(s, "seeds", where=where, min_value=0) for s in seeds)
    if not seeds:
        raise ValueError(message(where, "seeds", "at least one seed (three to rank results)", seeds))
    if len(set(seeds)) != len(seeds):
        raise ValueError(message(where, "seeds", "distinct seeds", seeds, "A repeated seed repeats a run."))
    if name is None:
        name = getattr(run, "__name__", "run")
        name = "run" if name == "<lambda>" else name
    values = {}
    for seed in seeds:
        out = _run_output(run(seed), seed, where)
        if values and list(out) != list(values):
            raise ValueError(message(where, "run", f"the same metrics for every seed ({list(values)})",
                                     f"run({seed}) returned {list(out)}"))
        for key, value in out.items():
            values.setdefault(key, []).append(value)
    return SeedResults(name=str(name), seeds=seeds, values={k: tuple(v) for k, v in values.items()})


# ------------------------------------------------------------------- ranking


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The best result against one other, under the comparison rule (part of a :class:`Verdict`).

    Attributes:
        first: the name of the result with the better mean.
        second: the name of the other result.
        first_mean: ``first``'s mean of the metric.
        second_mean: ``second``'s mean.
        wins: on how many shared seeds ``first`` was strictly better.
        shared_seeds: how many seeds both were run with (pairs are compared seed by seed).
        gap: the distance between the two means.
        spread: the larger of the two results' spreads (max - min over seeds).
        decided: whether ``first`` is better under the rule: better on every seed
            (with at least one shared seed, all seeds shared), or ``gap > spread``;
            and in either case ``gap >= min_gap``.
        min_gap: the smallest gap of the means that counts (``rank``'s ``min_gap``).

    Example:
        >>> c = Comparison("a", "b", 0.1, 0.2, wins=3, shared_seeds=3, gap=0.1, spread=0.05, decided=True)
        >>> c.decided
        True
    """

    first: str
    second: str
    first_mean: float
    second_mean: float
    wins: int
    shared_seeds: int
    gap: float
    spread: float
    decided: bool
    min_gap: float = 0.0


@dataclasses.dataclass(frozen=True, repr=False)
class Verdict:
    """What :func:`rank` concluded; ``str(verdict)`` is a sentence a chapter can print.

    Attributes:
        metric: the metric compared.
        label: how the sentence names it (e.g. ``"test BCE"``).
        better: ``"lower"`` or ``"higher"``.
        names: the results' names, in the order given.
        means: ``{name: mean of the metric}``.
        seeds: ``{name: number of seeds}``.
        winner: the name of the best result, or ``None`` when the best is not better
            than every other beyond the spread.
        tied: the names (in the order given) that cannot be told apart from the best;
            ``(winner,)`` when there is a winner.
        comparisons: the best result against each other one (:class:`Comparison`).
        digits: significant digits of the means in the sentence.
        min_gap: the smallest gap of the means that counts (``rank``'s ``min_gap``).

    Example:
        >>> a = SeedResults("a", (0, 1, 2), {"psnr": (20.1, 19.8, 20.3)})
        >>> b = SeedResults("b", (0, 1, 2), {"psnr": (20.0, 20.2, 19.9)})
        >>> verdict = rank([a, b], "psnr", better="higher", label="PSNR")
        >>> verdict.winner is None, verdict.tied
        (True, ('a', 'b'))
    """

    metric: str
    label: str
    better: str
    names: tuple
    means: dict
    seeds: dict
    winner: str | None
    tied: tuple
    comparisons: tuple
    digits: int = 4
    min_gap: float = 0.0

    def _name(self, name):
        return f'"{name}"' if ", " in name else name

    def _list(self, names):
        names = [self._name(n) for n in names]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def _seeds_text(self):
        counts = sorted(set(self.seeds.values()))
        count = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
        return f"{count} seed{'s' if counts[-1] != 1 else ''}"

    def _means_text(self):
        return ", ".join(f"{self._name(n)} {self.means[n]:.{self.digits}g}" for n in self.names)

    def _within(self):
        """What a result that is not better stays within."""
        return "the spread over seeds" + (f" and the margin {self.min_gap:g}" if self.min_gap > 0 else "")

    @property
    def sentence(self):
        """The conclusion, in one sentence (also ``str(verdict)``)."""
        adjective = self.better
        superlative = "lowest" if self.better == "lower" else "highest"
        if len(self.names) == 2:
            a, b = self.names
            if self.winner is not None:
                loser = b if self.winner == a else a
                return (f"{self.winner} has a {adjective} {self.label} than {loser} "
                        f"(mean {self.means[self.winner]:.{self.digits}g} vs {self.means[loser]:.{self.digits}g} "
                        f"over {self._seeds_text()}).")
            return (f"{a} and {b} do not differ in {self.label} beyond {self._within()} "
                    f"(mean {self.means[a]:.{self.digits}g} vs {self.means[b]:.{self.digits}g} "
                    f"over {self._seeds_text()}).")
        if self.winner is not None:
            return (f"{self._name(self.winner)} has the {superlative} {self.label} of the {len(self.names)} "
                    f"(means over {self._seeds_text()}: {self._means_text()}).")
        return (f"No single result has the {superlative} {self.label}: {self._list(self.tied)} are within "
                f"{self._within()} of the best (means over {self._seeds_text()}: {self._means_text()}).")

    @property
    def details(self):
        """One line per comparison: seeds won, gap of the means, spread, decided or not.

        Example:
            >>> a = SeedResults("a", (0, 1), {"mse": (1.0, 1.1)})
            >>> b = SeedResults("b", (0, 1), {"mse": (2.0, 2.2)})
            >>> print(rank([a, b], "mse").details)
            a vs b: a lower on 2 of 2 shared seeds; gap of the means 1.05, spread 0.2: decided
            >>> print(rank([a, b], "mse", min_gap=1.5).details)
            a vs b: a lower on 2 of 2 shared seeds; gap of the means 1.05 (min_gap 1.5), spread 0.2: below min_gap
        """
        lines = []
        for c in self.comparisons:
            if c.decided:
                verdict = "decided"
            elif c.gap < c.min_gap:
                verdict = "below min_gap"
            else:
                verdict = "within the spread"
            needed = f" (min_gap {c.min_gap:.{self.digits}g})" if c.min_gap > 0 else ""
            lines.append(f"{c.first} vs {c.second}: {c.first} {self.better} on {c.wins} of {c.shared_seeds} "
                         f"shared seeds; gap of the means {c.gap:.{self.digits}g}{needed}, "
                         f"spread {c.spread:.{self.digits}g}: {verdict}")
        return "\n".join(lines)

    def __str__(self):
        return self.sentence

    def __repr__(self):
        return f"Verdict({self.sentence!r})"


def _named_results(results, where):
    if isinstance(results, Mapping):
        pairs = list(results.items())
    elif isinstance(results, (list, tuple)):
        pairs = [(getattr(r, "name", None), r) for r in results]
    else:
        raise TypeError(message(where, "results", "a list of SeedResults or a dict {name: SeedResults}", results))
    for name, r in pairs:
        check_instance(r, "results", SeedResults, where=where, expected="SeedResults (what over_seeds returns)")
    names = [str(n) for n, _ in pairs]
    if len(pairs) < 2:
        raise ValueError(message(where, "results", "at least two results to compare", names))
    if len(set(names)) != len(names):
        raise ValueError(message(where, "results", "results with distinct names", names,
                                 "Name them with over_seeds(..., name=...) or pass a dict {name: results}."))
    return names, [r for _, r in pairs]


def rank(results, metric, *, better="lower", label=None, digits=4, min_gap=0.0):
    """Say which result is better on ``metric``, only where the seeds support it.

    The book's comparison rule: the result with the best mean is called better than
    another only if it is better on **every** seed both were run with (all their seeds
    shared), or if the **gap between the two means is larger than the spread** (max -
    min over seeds, the larger of the two); and, in either case, if that gap is at
    least ``min_gap``. With two results the verdict names the better one or says that
    they do not differ beyond the spread (and the margin); with more, it names the best
    one if it beats every other under the rule, else the ones that cannot be told
    apart from it. Print it: the sentence changes if the ranking does.

    ``min_gap`` is how to rank against a **deterministic baseline** robustly across
    machines. A baseline without randomness (the noisy input, a filter, the mean image,
    PCA) has the same value on every seed, a spread of 0, so the rule calls a trained
    model better as soon as it is ahead on every seed, by however little; seeded
    training gives slightly different numbers on another machine, and such a verdict
    could flip there. Set ``min_gap`` to the metric's tolerance across machines (for
    example 0.3 dB of PSNR): a smaller gap is then called a tie everywhere.

    Args:
        results: two or more :class:`SeedResults` (named by their ``name``), or a dict
            ``{name: SeedResults}``.
        metric: the metric to compare, present in every result.
        better: ``"lower"`` (losses, errors) or ``"higher"`` (PSNR, accuracy).
        label: how the sentence calls the metric (default: ``metric``).
        digits: significant digits of the means in the sentence.
        min_gap: the smallest gap of the means that can make a result better, in the
            metric's units, a finite number >= 0 (default 0: the rule alone).

    Returns:
        A :class:`Verdict`; ``str(verdict)`` is the sentence, ``verdict.winner`` the
        best name or ``None``, ``verdict.details`` the numbers behind it.

    Raises:
        TypeError: if ``results`` are not :class:`SeedResults`.
        ValueError: for fewer than two results, repeated names, a metric missing from
            a result, NaN values, ``better`` other than ``"lower"``/``"higher"``, or a
            negative ``min_gap``.

    Example:
        >>> a = SeedResults("conv", (0, 1, 2), {"bce": (0.150, 0.152, 0.151)})
        >>> b = SeedResults("dense", (0, 1, 2), {"bce": (0.153, 0.149, 0.154)})
        >>> print(rank([a, b], "bce", label="test BCE"))
        conv and dense do not differ in test BCE beyond the spread over seeds (mean 0.151 vs 0.152 over 3 seeds).

        A trained model against the noisy input (no randomness: spread 0):

        >>> model = SeedResults("model", (0, 1, 2), {"psnr": (22.8, 22.9, 22.8)})
        >>> noisy = SeedResults("noisy", (0, 1, 2), {"psnr": (22.7, 22.7, 22.7)})
        >>> print(rank([model, noisy], "psnr", better="higher", label="PSNR"))
        model has a higher PSNR than noisy (mean 22.83 vs 22.7 over 3 seeds).
        >>> print(rank([model, noisy], "psnr", better="higher", label="PSNR", min_gap=0.3))
        model and noisy do not differ in PSNR beyond the spread over seeds and the margin 0.3 (mean 22.83 vs 22.7 over 3 seeds).
    """
    where = "rank"
    names, results = _named_results(results, where)
    better = check_one_of(better, "better", ("lower", "higher"), where=where)
    digits = check_int(digits, "digits", where=where, min_value=1, max_value=17)
    min_gap = check_float(min_gap, "min_gap", where=where, min_value=0,
                          fix="min_gap is a gap of the means in the metric's units; 0 leaves the rule alone.")
    for name, r in zip(names, results):
        if metric not in r.values:
            raise ValueError(message(where, "metric", f"a metric of every result ({name!r} has {list(r.metrics)})",
                                     metric))
        if not all(math.isfinite(v) for v in r.values[metric]):
            raise ValueError(message(where, "metric", "a metric with finite values on every seed",
                                     metric, f"{name!r} has {list(r.values[metric])}."))
    label = str(metric) if label is None else str(label)
    sign = 1.0 if better == "lower" else -1.0
    means = {n: r.mean[metric] for n, r in zip(names, results)}
    order = sorted(range(len(names)), key=lambda i: sign * means[names[i]])
    lead = order[0]
    comparisons, undecided = [], []
    for i in order[1:]:
        a, b = results[lead], results[i]
        per_seed_a = dict(zip(a.seeds, a.values[metric]))
        per_seed_b = dict(zip(b.seeds, b.values[metric]))
        shared = [s for s in a.seeds if s in per_seed_b]
        wins = sum(sign * per_seed_a[s] < sign * per_seed_b[s] for s in shared)
        all_shared = set(a.seeds) == set(b.seeds)
        gap = abs(means[names[lead]] - means[names[i]])
        spread = max(a.spread[metric], b.spread[metric])
        decided = ((all_shared and wins == len(shared) > 0) or gap > spread) and gap >= min_gap
        comparisons.append(Comparison(first=names[lead], second=names[i], first_mean=means[names[lead]],
                                      second_mean=means[names[i]], wins=int(wins), shared_seeds=len(shared),
                                      gap=gap, spread=spread, decided=bool(decided), min_gap=min_gap))
        if not decided:
            undecided.append(i)
    winner = names[lead] if not undecided else None
    tied = (winner,) if winner is not None else tuple(names[i] for i in sorted([lead] + undecided))
    return Verdict(metric=str(metric), label=label, better=better, names=tuple(names), means=means,
                   seeds={n: len(r.seeds) for n, r in zip(names, results)}, winner=winner, tied=tied,
                   comparisons=tuple(comparisons), digits=digits, min_gap=min_gap)
