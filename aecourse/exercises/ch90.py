"""Exercises of the appendix, training fast on a CPU.

Each check compares the learner's answer with an independent computation on cases
chosen to tell the plausible wrong answers apart (a first layer whose input needs no
gradient, a strided 'valid' convolution whose output is smaller than its input, a
validation loss exactly equal to the target, a curve that dips below the target and
comes back up), and names those wrong answers when it sees them.

Example:
    >>> from aecourse.exercises import ch90, ____
    >>> ch90.training_flops.check(____).status
    'not attempted'
    >>> print(ch90.training_flops.check(8192))  # doctest: +NORMALIZE_WHITESPACE
    [incorrect] Exercise 90.1: training FLOPs of a small model: 8,192 is the forward pass alone. A
    training step also runs the backward pass: for each layer a product of the same size for
    the kernel's gradient, and one more for the gradient of its input (except the first
    layer, whose input is the data).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, NotAttempted, _described, call_function, is_placeholder

__all__ = ["training_flops", "fraction_of_peak", "first_epoch_at_target", "time_ratio", "TINY_MODEL"]


# ------------------------------------------------------------------- helpers


def _as_float(value, label, what="one number"):
    """``value`` as a float, or a message in the learner's terms."""
    if is_placeholder(value):
        raise NotAttempted()
    if value is None:
        raise Incorrect(f"{label} is None; it should be {what}.")
    if isinstance(value, (str, bytes)):
        raise Incorrect(f"{label} should be {what}, not the text {value!r} (no quotes).")
    if isinstance(value, (bool, np.bool_)):
        raise Incorrect(f"{label} should be {what}, not {value} (a yes/no answer).")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        size = np.size(value)
        raise Incorrect(f"{label} should be {what}; you gave {size} values. Add them up into one number.")
    if not isinstance(value, (numbers.Real, np.number)):
        raise Incorrect(f"{label} should be {what}, not {_described(value)}.")
    value = float(value)
    if not math.isfinite(value):
        raise Incorrect(f"{label} should be a finite number, not {value}.")
    return value


# ------------------------------------------- 90.1 training FLOPs of a small model


#: The model of exercise 90.1, as the chapter builds it: ``(name, kind, settings)``.
TINY_MODEL = {
    "input_shape": (10, 10, 3),
    "layers": (("conv", "Conv2D", {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "valid"}),
               ("flatten", "Flatten", {}),
               ("code", "Dense", {"units": 5})),
}


def _tiny_counts():
    """Forward FLOPs per example of the two counted layers, and the sizes that go into them.

    Independent of :mod:`aecourse.flops` (the tests check that both agree).
    """
    h, w, c_in = TINY_MODEL["input_shape"]
    conv = TINY_MODEL["layers"][0][2]
    k, s, c_out = conv["kernel_size"], conv["strides"], conv["filters"]
    h_out, w_out = (h - k) // s + 1, (w - k) // s + 1          # 'valid': 10 -> 4
    flat = h_out * w_out * c_out                              # 4 x 4 x 8 = 128
    units = TINY_MODEL["layers"][2][2]["units"]
    return {"conv": 2 * h_out * w_out * c_out * k * k * c_in,  # 6,912
            "conv_on_input": 2 * h * w * c_out * k * k * c_in,
            "dense": 2 * flat * units,                        # 1,280
            "params": k * k * c_in * c_out + c_out + flat * units + units}


def _tiny_expected():
    c = _tiny_counts()
    return 2 * c["conv"] + 3 * c["dense"]  # the first layer skips its input gradient


def _tiny_wrong():
    c = _tiny_counts()
    fwd = c["conv"] + c["dense"]
    return [
        (fwd, "is the forward pass alone. A training step also runs the backward pass: for each layer a "
              "product of the same size for the kernel's gradient, and one more for the gradient of its "
              "input (except the first layer, whose input is the data)."),
        (3 * fwd, "counts the gradient of the first layer's input too. Nothing needs the gradient of the data, "
                  "so the convolution (the first layer) runs two products, not three: 2 x conv + 3 x dense."),
        (2 * fwd, "counts one backward product per layer; there are two: the kernel's gradient and the "
                  "input's gradient (which only the first layer skips)."),
        (_tiny_expected() // 2, "counts multiply-adds: each weight use is one multiplication and one addition, "
                                "2 FLOPs. Double it."),
        (fwd // 2, "counts the forward multiply-adds only: double them (2 FLOPs each), then add the backward "
                   "pass."),
        (2 * c["conv_on_input"] + 3 * c["dense"],
         "counts the convolution at its 10 x 10 input positions; a 'valid' convolution with stride 2 "
         "computes one dot product per *output* position, (10 - 3) // 2 + 1 = 4 per side, so 4 x 4 x 8."),
        (2 * c["conv"], "leaves out the Dense layer: it runs its products too (forward, kernel gradient, "
                        "input gradient)."),
        (3 * c["dense"], "leaves out the convolution, which holds most of the arithmetic."),
        (6 * c["params"], "uses the '6 x parameters' rule of thumb. It holds for layers that use each weight "
                          "once per example (Dense); a convolution uses its kernel at every output "
                          "position, so count positions x kernel x channels."),
        (2 * c["params"], "counts 2 FLOPs per parameter; a convolution uses each weight at every output "
                          "position, and training adds the backward pass."),
    ]


def _check_training_flops(flops):
    value = _as_float(flops, "your count", "one whole number of FLOPs per example")
    expected = _tiny_expected()
    if value == expected:
        c = _tiny_counts()
        return (f"{expected:,} FLOPs per example: the convolution {c['conv']:,} forward (4 x 4 positions x 8 "
                f"filters x 3 x 3 x 3 window x 2) and once more for its kernel's gradient; the Dense layer "
                f"{c['dense']:,} three times. aecourse.flops.model_flops(tiny).training gives the same.")
    if value != int(value):
        raise Incorrect(f"a FLOP count is a whole number, you gave {value:g}.")
    for wrong, text in _tiny_wrong():
        if value == wrong:
            raise Incorrect(f"{int(wrong):,} {text}")
    if value == expected * 256:
        raise Incorrect("that is the count for a batch of 256; the question asks per example.")
    raise Incorrect(f"{int(value):,} is not the count. Per layer: forward = 2 x output positions x filters x "
                    "kernel height x kernel width x input channels (Dense: 2 x inputs x units); training "
                    "adds the kernel's gradient (same size) and, except for the first layer, the input's "
                    "gradient (same size).")


training_flops = Exercise(
    "Exercise 90.1: training FLOPs of a small model",
    _check_training_flops,
    hints=["Work out the convolution's output size first: 'valid', kernel 3, stride 2 on 10 positions.",
           "Forward: conv 2 x 4 x 4 x 8 x (3 x 3 x 3), Dense 2 x 128 x 5. Training: the first layer runs two "
           "products of its forward size, every other layer three."],
    solution="""
conv_forward = 2 * (4 * 4 * 8) * (3 * 3 * 3)   # output positions x filters x window
dense_forward = 2 * (4 * 4 * 8) * 5            # 128 inputs x 5 units
flops = 2 * conv_forward + 3 * dense_forward   # the first layer needs no input gradient
print(flops, model_flops(tiny).training)
""",
    answer="17,664 FLOPs per example: the convolution's output is 4 x 4 x 8 ((10 - 3) // 2 + 1 = 4 per side), "
           "so its forward pass is 2 x 16 x 8 x 27 = 6,912 FLOPs, run twice in training (forward and kernel "
           "gradient; as the first layer it needs no input gradient); the Dense layer's 2 x 128 x 5 = 1,280 "
           "runs three times. The solution prints the same count from aecourse.flops.",
)


# ------------------------------------------------------- 90.2 the fraction of the peak


_PEAK_PARAMS = ("examples_per_second", "flops_per_example", "peak_gflops")

#: (examples/s, training FLOPs per example, peak GFLOP/s): the two benchmark models'
#: counts, awkward throughputs and peaks, a fraction above 1 and a tiny one.
_PEAK_CASES = [
    (2000.0, 54_132_480, 300.0), (97_081.0, 1_126_400, 144.2), (1.0, 1e9, 1.0), (500.5, 3_000_000, 0.75),
    (123_456.0, 1_126_400, 100.0), (37.0, 54_132_480, 412.5),
]


def _fraction(x, f, p):
    return x * f / (p * 1e9)


_PEAK_VARIANTS = [
    (lambda x, f, p: x * f / p,
     "the units do not match: examples/s x FLOPs per example is in FLOP/s, the peak in GFLOP/s "
     "(10^9 FLOP/s). Divide the achieved FLOP/s by 1e9 first (or multiply the peak by 1e9)."),
    (lambda x, f, p: p * 1e9 / (x * f),
     "the fraction is upside down: achieved / peak, so a recipe that reaches its peak scores 1 and a slower "
     "one less."),
    (lambda x, f, p: 100 * x * f / (p * 1e9),
     "that is a percentage; the exercise asks for a fraction (0.5, not 50)."),
    (lambda x, f, p: x * f / (p * 1e6),
     "1 GFLOP/s is 10^9 FLOP/s, not 10^6 (that is MFLOP/s)."),
    (lambda x, f, p: x * f / (p * 1e12),
     "1 GFLOP/s is 10^9 FLOP/s, not 10^12 (that is TFLOP/s)."),
    (lambda x, f, p: x / f / p * 1e9,
     "the FLOPs per example multiply the examples per second (FLOPs/example x examples/s = FLOP/s); "
     "they do not divide them."),
    (lambda x, f, p: x * f / 3 / (p * 1e9),
     "the FLOPs per example given are already those of a training step (forward and backward); do not "
     "divide them by 3."),
    (lambda x, f, p: 3 * x * f / (p * 1e9),
     "the FLOPs per example given are already those of a training step (forward and backward); do not "
     "multiply them by 3."),
    (lambda x, f, p: x * f / 256 / (p * 1e9),
     "examples per second already counts every example of every batch; the batch size plays no part."),
    (lambda x, f, p: 256 * x * f / (p * 1e9),
     "examples per second already counts every example of every batch; do not multiply by the batch size."),
]


def _check_fraction(fraction_of_peak):
    name = "fraction_of_peak"
    got = []
    for case in _PEAK_CASES:
        shown = ", ".join(f"{v:g}" for v in case)
        value = call_function(fraction_of_peak, case, name=name, params=_PEAK_PARAMS, returns=None, shown=shown)
        got.append(_as_float(value, f"{name}({shown})", "one number (a fraction such as 0.36)"))
    expected = [_fraction(*c) for c in _PEAK_CASES]
    if all(math.isclose(g, e, rel_tol=1e-6) for g, e in zip(got, expected)):
        return ("Right: achieved FLOP/s = examples/s x training FLOPs per example; divided by the peak in "
                "FLOP/s (GFLOP/s x 1e9). It can exceed 1 only if the measured peak is not a true ceiling.")
    for variant, text in _PEAK_VARIANTS:
        if all(math.isclose(g, variant(*c), rel_tol=1e-6) for g, c in zip(got, _PEAK_CASES)):
            raise Incorrect(text)
    i = next(i for i, (g, e) in enumerate(zip(got, expected)) if not math.isclose(g, e, rel_tol=1e-6))
    shown = ", ".join(f"{v:g}" for v in _PEAK_CASES[i])
    raise Incorrect(f"{name}({shown}) returned {got[i]:.6g}, expected {expected[i]:.6g}: achieved FLOP/s "
                    "(examples/s x FLOPs per example) divided by the peak in FLOP/s.")


fraction_of_peak = Exercise(
    "Exercise 90.2: the fraction of the peak",
    _check_fraction,
    hints=["Achieved FLOP/s = examples per second x FLOPs per example.",
           "The peak is in GFLOP/s: 1 GFLOP/s = 1e9 FLOP/s. The fraction is achieved / peak."],
    solution="""
def fraction_of_peak(examples_per_second, flops_per_example, peak_gflops):
    return examples_per_second * flops_per_example / (peak_gflops * 1e9)

t = conv["course"]["throughput"]   # the conv benchmark's course recipe, as stored
flops_per_image = conv["model"]["flops_per_example"]["training"]
mine = fraction_of_peak(t["examples_per_second"], flops_per_image, t["peak_gflops"])
print(f"{mine:.2f} (stored: {t['fraction_of_peak']:.2f})")
""",
    answer="fraction = examples/s x training FLOPs per example / (peak GFLOP/s x 1e9). The solution "
           "recomputes the conv course recipe's fraction from the stored throughput, FLOP count and peak, "
           "and prints it beside the stored fraction: the two agree.",
)


# ---------------------------------------------- 90.3 the first epoch at the target


_EPOCH_PARAMS = ("val_loss", "target")

#: (val_loss, target): a value exactly at the target, the article's own curve (target =
#: its last value), a curve that dips below and comes back, one that never gets there,
#: one that starts below, and flat stretches.
_EPOCH_CASES = [
    ([0.30, 0.28, 0.2738, 0.27], 0.2738),
    ([0.31, 0.29, 0.2801, 0.2738], 0.2738),
    ([0.30, 0.27, 0.29, 0.26, 0.25], 0.28),
    ([0.30, 0.29, 0.285], 0.2),
    ([0.10, 0.20, 0.05], 0.15),
    ([0.5, 0.4, 0.4, 0.3, 0.35, 0.2], 0.4),
    ([0.9], 0.9),
]


def _first_epoch(val_loss, target):
    # Independent of aecourse.bench.runs.time_to_target.
    for epoch, loss in enumerate(val_loss, 1):
        if loss <= target:
            return epoch
    return None


def _strict(val_loss, target):
    return next((i for i, v in enumerate(val_loss, 1) if v < target), None)


def _last(val_loss, target):
    hits = [i for i, v in enumerate(val_loss, 1) if v <= target]
    return hits[-1] if hits else None


def _stays(val_loss, target):
    for i in range(1, len(val_loss) + 1):
        if all(v <= target for v in val_loss[i - 1:]):
            return i
    return None


def _zero_based(val_loss, target):
    epoch = _first_epoch(val_loss, target)
    return None if epoch is None else epoch - 1


def _argmin(val_loss, target):
    return int(np.argmin(val_loss)) + 1


def _count(val_loss, target):
    return sum(v <= target for v in val_loss)


_EPOCH_VARIANTS = [
    (_strict, "'reaches the target' means at or below it (<=), not strictly below: an epoch whose validation "
              "loss equals the target counts. With <, the article's own run, whose target is its final "
              "value, would never reach its own target."),
    (_zero_based, "epochs are counted from 1 (the first epoch is epoch 1); you returned the 0-based index "
                  "of the list."),
    (_last, "that is the *last* epoch at or below the target; the question asks for the first: training "
            "stops there."),
    (_stays, "that is the epoch from which the loss stays at or below the target; the stop comes at the "
             "first epoch that reaches it, even if a later epoch rises above it again."),
    (_argmin, "that is the epoch of the lowest validation loss; the question asks for the first epoch at or "
              "below the target."),
    (_count, "that counts the epochs at or below the target; the question asks for the first one's number."),
]


def _epoch_result(got, shown):
    """The learner's epoch as an int, or None, or a message."""
    if got is None:
        return None
    if isinstance(got, (bool, np.bool_)):
        raise Incorrect(f"first_epoch_at_target({shown}) returned {got}; return the epoch's number (counted "
                        "from 1), or None if no epoch reaches the target.")
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if isinstance(got, (numbers.Real, np.number)):
        value = float(got)
        if math.isfinite(value) and value == int(value):
            return int(value)
        if math.isnan(value):
            raise Incorrect(f"first_epoch_at_target({shown}) returned nan; when no epoch reaches the target, "
                            "return None.")
        raise Incorrect(f"first_epoch_at_target({shown}) returned {value:g}; an epoch is a whole number.")
    raise Incorrect(f"first_epoch_at_target({shown}) should return an epoch number or None, not "
                    f"{_described(got)}.")


def _check_first_epoch(first_epoch_at_target):
    name = "first_epoch_at_target"
    got = []
    for val_loss, target in _EPOCH_CASES:
        shown = f"{val_loss}, {target}"
        got.append(_epoch_result(call_function(first_epoch_at_target, (val_loss, target), name=name,
                                               params=_EPOCH_PARAMS, returns=None, shown=shown, none_ok=True),
                                 shown))
    expected = [_first_epoch(*c) for c in _EPOCH_CASES]
    if got == expected:
        return ("Right: the first epoch (counted from 1) whose validation loss is at or below the target, None "
                "if there is none; an epoch exactly at the target counts.")
    for variant, text in _EPOCH_VARIANTS:
        if got == [variant(*c) for c in _EPOCH_CASES]:
            raise Incorrect(text)
    never = [i for i, e in enumerate(expected) if e is None]
    for i in never:
        if got[i] is not None:
            raise Incorrect(f"{name}({_EPOCH_CASES[i][0]}, {_EPOCH_CASES[i][1]}) returned {got[i]}, but no epoch "
                            "reaches that target: return None then (0, -1 or the number of epochs would read "
                            "as an epoch).")
    i = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
    raise Incorrect(f"{name}({_EPOCH_CASES[i][0]}, {_EPOCH_CASES[i][1]}) returned {got[i]}, expected "
                    f"{expected[i]}: the first epoch, counted from 1, whose loss is at or below the target.")


first_epoch_at_target = Exercise(
    "Exercise 90.3: the first epoch at the target",
    _check_first_epoch,
    hints=["Loop over the losses with enumerate(val_loss, 1), so that the first epoch is number 1.",
           "Return the first epoch whose loss is <= target (at or below: equal counts), and None after the "
           "loop."],
    solution="""
def first_epoch_at_target(val_loss, target):
    for epoch, loss in enumerate(val_loss, 1):
        if loss <= target:
            return epoch
    return None

print(first_epoch_at_target(dense["article"]["val_loss"], dense["target"]),
      dense["article"]["reached_epoch"])
""",
    answer="The first epoch, counted from 1, whose validation loss is at or below the target (None if none is). "
           "It must be 'at or below': the article's target is its own final validation loss, which a strict < "
           "would never reach. The solution finds the article run's epoch from its stored curve and prints it "
           "beside the benchmark's own.",
)


# ----------------------------------------------------- 90.4 the ratio of the times


_RATIO_PARAMS = ("article", "course")


def _run(val_loss, times):
    return {"val_loss": list(val_loss), "times": list(times)}


#: (article, course): the article's final value first reached before its last epoch,
#: a minimum below its final value, a course run that goes on past the target, a value
#: exactly at the target, and a course run that never gets there.
_RATIO_CASES = [
    (_run([0.40, 0.30, 0.28, 0.27, 0.275], [3.0, 5.0, 7.0, 9.0, 11.0]),
     _run([0.35, 0.29, 0.274, 0.26], [1.5, 2.0, 2.5, 3.0])),
    (_run([0.40, 0.30, 0.2738], [2.5, 4.5, 6.5]),
     _run([0.33, 0.2738, 0.27], [1.0, 1.25, 1.5])),
    (_run([0.5, 0.45, 0.41, 0.40], [10.0, 18.0, 26.0, 34.0]),
     _run([0.47, 0.43, 0.39, 0.38, 0.37], [2.0, 3.0, 4.0, 5.0, 6.0])),
    (_run([0.30, 0.28], [4.0, 8.0]),
     _run([0.31, 0.29], [1.0, 2.0])),
]


def _time_at(run, target, strict=False):
    for loss, seconds in zip(run["val_loss"], run["times"]):
        if loss < target or (not strict and loss <= target):
            return seconds
    return None


def _ratio(article, course, target=None, article_time=None, course_time=None, strict=False):
    target = article["val_loss"][-1] if target is None else target
    a = _time_at(article, target, strict) if article_time is None else article_time
    c = _time_at(course, target, strict) if course_time is None else course_time
    return None if a is None or c is None else c / a


def _ratio_variants(article, course):
    final = article["val_loss"][-1]
    epochs = lambda run: next((i for i, v in enumerate(run["val_loss"], 1) if v <= final), None)  # noqa: E731
    e_a, e_c = epochs(article), epochs(course)
    r = _ratio(article, course)
    return [
        (_ratio(article, course, target=min(article["val_loss"])),
         "the target is the article recipe's *final* validation loss, not its lowest one (a run's lowest "
         "epoch is a choice made by looking at the validation curve afterwards)."),
        (_ratio(article, course, article_time=article["times"][-1]),
         "the article's time to the target is the end of the first epoch at or below its final value, which "
         "can come before its last epoch; the same rule for both runs."),
        (None if r is None else 1 / r,
         "the ratio is upside down: course time / article time, so below 1 means the course recipe is faster "
         "(the goal is at most 0.25)."),
        (None if e_a is None or e_c is None else e_c / e_a,
         "that is the ratio of epochs; the question asks for wall time (epochs of the two recipes do not take "
         "the same time)."),
        (_ratio(article, course, course_time=course["times"][-1]),
         "that uses the course run's last time; the course recipe's time is the end of its first epoch at or "
         "below the target (the benchmark stops it there, but a run you are given may go on)."),
        (_ratio(article, course, article_time=article["times"][-1], course_time=course["times"][-1]),
         "that divides the runs' total times; each time should be the end of that run's first epoch at or "
         "below the target."),
        (_ratio(article, course, strict=True),
         "an epoch whose validation loss equals the target reaches it (<=, not <)."),
    ]


def _ratio_result(got, shown):
    if got is None:
        return None
    if isinstance(got, (bool, np.bool_)):
        raise Incorrect(f"time_ratio({shown}) returned {got}; return the ratio as a number, or None if the "
                        "course run never reaches the target.")
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if isinstance(got, (numbers.Real, np.number)):
        value = float(got)
        if math.isnan(value):
            raise Incorrect(f"time_ratio({shown}) returned nan; when the course run never reaches the target, "
                            "return None.")
        if math.isinf(value):
            raise Incorrect(f"time_ratio({shown}) returned {value}; when a run never reaches the target, return "
                            "None.")
        return value
    raise Incorrect(f"time_ratio({shown}) should return one number (or None), not {_described(got)}.")


def _same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-6))


def _check_ratio(time_ratio):
    name = "time_ratio"
    got = []
    for k, (article, course) in enumerate(_RATIO_CASES, 1):
        shown = f"article_{k}, course_{k}"
        got.append(_ratio_result(call_function(time_ratio, (article, course), name=name, params=_RATIO_PARAMS,
                                               returns=None, shown=shown, none_ok=True), shown))
    expected = [_ratio(*c) for c in _RATIO_CASES]
    if all(_same(g, e) for g, e in zip(got, expected)):
        return ("Right: the target is the article run's final validation loss; each run's time is the end of "
                "its first epoch at or below it; the ratio is course / article (None if the course run never "
                "gets there).")
    variants = [_ratio_variants(*c) for c in _RATIO_CASES]
    for j, (_, text) in enumerate(variants[0]):
        if all(_same(g, v[j][0]) for g, v in zip(got, variants)):
            raise Incorrect(text)
    i = next(i for i, (g, e) in enumerate(zip(got, expected)) if not _same(g, e))
    article, course = _RATIO_CASES[i]
    raise Incorrect(f"for article = {article} and course = {course}, time_ratio returned {got[i]}, expected "
                    f"{expected[i]}: target = the article's final validation loss; each time = the time at the "
                    "end of the run's first epoch at or below the target.")


time_ratio = Exercise(
    "Exercise 90.4: the ratio of the times to the target",
    _check_ratio,
    hints=["The target is article['val_loss'][-1]. Find, in each run, the first epoch whose validation loss is "
           "at or below it, and read that epoch's entry of run['times'].",
           "Return course time / article time, or None if the course run never reaches the target."],
    solution="""
def time_ratio(article, course):
    target = article["val_loss"][-1]
    _, article_time = time_to_target(article["val_loss"], article["times"], target)
    _, course_time = time_to_target(course["val_loss"], course["times"], target)
    return None if course_time is None else course_time / article_time

for name, results in (("dense", dense), ("conv", conv)):
    ratio = time_ratio(results["article"], results["course"])
    print(name, "n/a" if ratio is None else f"{ratio:.3f}",
          "n/a" if results["ratio"] is None else f'{results["ratio"]:.3f}')
""",
    answer="target = the article run's final validation loss; each run's time = the wall time at the end of its "
           "first epoch at or below the target (the article's can come before its last epoch); ratio = course / "
           "article, None when the course run never gets there. The solution recomputes both benchmarks' "
           "ratios from the stored curves and prints them beside the stored ones.",
)
