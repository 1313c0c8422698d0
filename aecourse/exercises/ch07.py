"""Exercises of chapter 7, the latent space.

Each check runs the learner's function on its own test cases (sample sizes that are
not multiples of 1/rate, ties, one or two examples), compares it with the package's
reference, and names the plausible wrong answers it recognises.

Example:
    >>> from aecourse.exercises import ch07, ____
    >>> ch07.auc_function.check(____).status
    'not attempted'
    >>> ch07.threshold_function.check(lambda s, f: float(np.quantile(s, 1 - f))).status
    'incorrect'
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from aecourse.exercises._core import Exercise, Incorrect, call_function

__all__ = ["threshold_function", "auc_function", "largest_angle", "base_rate"]

_RNG = np.random.default_rng(7)


# ------------------------------------------------------------------- helpers


def _call(func, args, name, shown, params):
    """``func(*args)`` on copies of the arrays, as it came back; errors in the learner's terms."""
    return call_function(func, args, name=name, params=params, returns=None, shown=shown)


def _one_number(got, label, what="one number", should="should return", returned="returned"):
    """The learner's result as a float, or a message saying what it was instead."""
    if isinstance(got, (str, bytes)):
        raise Incorrect(f"{label} {should} {what}, not the text {got!r}.")
    if isinstance(got, (bool, np.bool_)):
        raise Incorrect(f"{label} {should} {what}, not {got} (a yes/no answer).")
    if isinstance(got, (numbers.Real, np.number)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        value = float(got)
    else:
        try:
            array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"{label} {should} {what}, not a {type(got).__name__}.") from None
        if array.size != 1:
            raise Incorrect(f"{label} {should} {what}; it {returned} {array.size} numbers (shape {array.shape}).")
        value = float(array.reshape(()))
    if not math.isfinite(value):
        raise Incorrect(f"{label} {returned} {value}; it {should} a finite number.")
    return value


def _cases_text(scores):
    return f"{len(scores)} scores" if len(scores) != 1 else "1 score"


# ------------------------------------------------------ 7.1 threshold at an FPR


def _most_flagged(n, max_fpr):
    from aecourse.anomaly import _most_flagged

    return _most_flagged(n, max_fpr)


def _reference_threshold(scores, max_fpr):
    from aecourse.anomaly import choose_threshold

    return choose_threshold(scores, max_fpr=max_fpr).threshold


def _threshold_variants(s, f):
    """Plausible wrong thresholds that can be told apart by their value, each with what it teaches."""
    return [
        (lambda: np.quantile(s, 1 - f),
         "np.quantile interpolates between the two scores around position (n - 1)(1 - max_fpr), so its value "
         "can fall below a score that must stay unflagged. Count instead: at most k = floor(max_fpr * n) scores "
         "may lie above the threshold, so it is the (k + 1)-th highest score."),
        (lambda: np.quantile(s, f),
         "you took the max_fpr quantile: every score above it is flagged, that is 1 - max_fpr of them. The "
         "threshold sits near the top of the normal scores."),
        (lambda: np.max(s),
         "that is the highest normal score: it flags none of them, and would miss every anomaly it could have "
         "caught. The threshold should let up to max_fpr of the normal scores through."),
        (lambda: np.mean(s) + 2 * np.std(s),
         "mean + 2 standard deviations assumes normally distributed scores; reconstruction errors are skewed. "
         "Use the scores themselves: sort them and count."),
    ]


_ONE_TOO_MANY = (
    "One score too many lies above it. 'At most' means rounding down, k = floor(max_fpr * n), and taking the "
    "(k + 1)-th highest score; rounding max_fpr * n up or to the nearest integer, or np.quantile with "
    "method='lower' or 'nearest' (which round the position (n - 1)(1 - max_fpr)), lets k + 1 through on sizes "
    "like this one.")
_ONE_TOO_FEW = (
    "One score fewer than allowed lies above it, so the detector would miss anomalies for nothing. The "
    "threshold is the (k + 1)-th highest score, sorted_scores[n - 1 - k] with k = floor(max_fpr * n): the k-th "
    "highest score itself flags only k - 1 (a score equal to the threshold is not flagged), and so does "
    "np.quantile with method='higher', or a count over n - 1 scores, on sizes like this one.")


_SORTED_16 = np.r_[np.arange(1.0, 17.0), [20.0, 20.0, 20.0, 20.0]]
_THRESHOLD_CASES = [
    (_RNG.gamma(2.0, 0.01, 411), 0.05),              # the chapter's size: 20 of 411 may be flagged, not 21
    (_RNG.gamma(2.0, 1.0, 137), 0.1),                # 13.7 -> 13
    (_RNG.random(23), 0.2),                          # 4.6 -> 4
    (np.arange(100.0), 0.05),                        # exactly 5
    (_RNG.random(7), 0.25),                          # 1.75 -> 1
    (_RNG.random(59), 0.05),                         # 2.95 -> 2
    (np.r_[0.3, 0.1, 0.2], 0.05),                    # tiny: none may be flagged
    (np.r_[0.7], 0.5),                               # one score
    (np.repeat([1.0, 2.0, 3.0], [3, 3, 4]), 0.25),   # ties: 2 allowed, only 0 or 4 possible
    (_SORTED_16, 0.1),                               # ties at the cut: 2 allowed, only 0 or 4 possible
    (_RNG.gamma(2.0, 1.0, 250), 0.0),                # none at all
    (_RNG.random(31), 0.5),                          # 15.5 -> 15
]


def _check_threshold(func):
    name = "threshold_at_fpr"
    for scores, max_fpr in _THRESHOLD_CASES:
        shown = f"<{_cases_text(scores)}>, {max_fpr}"
        got = _call(func, (scores, max_fpr), name, shown, ("normal_scores", "max_fpr"))
        t = _one_number(got, f"{name}({shown})", "one number, the threshold")
        n = len(scores)
        allowed = _most_flagged(n, max_fpr)
        reference = _reference_threshold(scores, max_fpr)
        best = int(np.sum(scores > reference))
        flagged = int(np.sum(scores > t))
        if flagged == best:
            continue
        intro = (f"with {_cases_text(scores)} and max_fpr={max_fpr}, at most {allowed} may be flagged "
                 f"({allowed / n:.2%}); your threshold {t:.4g} flags {flagged} ({flagged / n:.2%})")
        for variant, text in _threshold_variants(scores, max_fpr):
            with np.errstate(all="ignore"):
                try:
                    value = float(variant())
                except Exception:  # a variant that does not apply to this case
                    continue
            if math.isfinite(value) and int(np.sum(scores > value)) == flagged and np.isclose(value, t):
                raise Incorrect(f"{intro}. {text}")
        if flagged == allowed + 1 and best == allowed:
            raise Incorrect(f"{intro}. {_ONE_TOO_MANY}")
        if flagged == best - 1:
            raise Incorrect(f"{intro}. {_ONE_TOO_FEW}")
        if flagged > allowed:
            raise Incorrect(f"{intro}: more than max_fpr of the normal scores. Sort the scores and count: "
                            "at most k = floor(max_fpr * n) may lie above the threshold.")
        raise Incorrect(f"{intro}, although {best} could be flagged without breaking the rule: the threshold is "
                        "higher than needed, and would miss anomalies. Take the (k + 1)-th highest score, "
                        "k = floor(max_fpr * n).")
    return ("Your threshold flags at most max_fpr of the normal validation scores, and no fewer than the rule "
            "allows: the rule of choose_threshold(..., method='fpr'), on every sample size and with ties.")


threshold_function = Exercise(
    "Exercise 7.1: a threshold from normal scores",
    _check_threshold,
    hints=["A score is flagged when it is above the threshold. With n normal scores, at most "
           "k = floor(max_fpr * n) of them may be flagged: count, do not interpolate.",
           "Sort the scores; the k scores above sorted_scores[n - 1 - k] are flagged, and it is the lowest such "
           "threshold. np.quantile(scores, 1 - max_fpr) is not: it interpolates, and on 411 scores flags 21."],
    solution="""
def threshold_at_fpr(normal_scores, max_fpr):
    ordered = np.sort(normal_scores)
    k = int(np.floor(max_fpr * len(ordered)))  # at most k normal scores may lie above it
    return ordered[len(ordered) - 1 - k]        # the (k + 1)-th highest score

normal_val_scores = val_scores[~is_anomaly_val]
mine = threshold_at_fpr(normal_val_scores, 0.05)
print(f"{mine:.4f} flags {np.sum(normal_val_scores > mine)} of {len(normal_val_scores)}; "
      f"choose_threshold: {rules['fpr'].threshold:.4f}")
""",
    answer="Sort the normal scores and count: with n of them, at most k = floor(max_fpr * n) may lie above the "
           "threshold, so the threshold is the (k + 1)-th highest score (with ties there it flags fewer, because "
           "no threshold can then flag exactly k). It is the rule choose_threshold(..., method='fpr') applies. "
           "np.quantile(scores, 1 - max_fpr) interpolates between two scores and, on most sample sizes, lets "
           "k + 1 of them through: on the chapter's 411 normal validation scores it flags 21 (5.11%) instead of "
           "at most 20 (4.87%). np.quantile(..., method='inverted_cdf') gives the right score, up to rounding of "
           "n * (1 - max_fpr).",
)


# ---------------------------------------------------------- 7.2 the AUC by counting


def _reference_auc(labels, scores):
    labels, scores = np.asarray(labels).astype(bool), np.asarray(scores, float)
    pos, neg = scores[labels], scores[~labels]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def _auc_variants(labels, scores):
    y, s = np.asarray(labels).astype(bool), np.asarray(scores, float)
    pos, neg = s[y], s[~y]
    diff = pos[:, None] - neg[None, :]

    def ordinal_ranks():
        ranks = np.empty(len(s))
        ranks[np.argsort(s, kind="stable")] = np.arange(1, len(s) + 1)
        return (ranks[y].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))

    return [
        (lambda: float(np.mean(diff >= 0)),
         "you counted ties as wins (or, with ranks, broke ties in order instead of sharing them); a tie is a "
         "coin toss, so it counts one half (e.g. one anomaly and one normal example with the same score give "
         "0.5)."),
        (lambda: float(np.mean(diff > 0)),
         "you counted ties as losses; a tie is a coin toss, so it counts one half (e.g. one anomaly and one "
         "normal example with the same score give 0.5)."),
        (lambda: 1.0 - _reference_auc(labels, scores),
         "you computed the chance that a *normal* example scores higher than an anomaly: the roles are swapped "
         "(the label 1 marks the anomalies)."),
        (lambda: float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / len(s) ** 2),
         "you divided by n**2, all pairs of examples; divide by the number of (anomaly, normal) pairs, "
         "n_anomalies * n_normal."),
        (lambda: float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / (len(s) * (len(s) - 1))),
         "you divided by n * (n - 1); divide by the number of (anomaly, normal) pairs, n_anomalies * n_normal."),
        (lambda: float(np.mean((s > np.median(s)) == y)),
         "that is the result of one threshold (the median): an accuracy. The AUC looks at every pair of an "
         "anomaly and a normal example, whatever the threshold."),
        (lambda: float(np.mean(s[y] > 0.5)),
         "that is the result of one threshold (0.5): the recall there. The AUC looks at every pair of an "
         "anomaly and a normal example, whatever the threshold."),
        (ordinal_ranks,
         "your ranks break ties in order instead of sharing them; tied scores must get the average of their "
         "ranks (scipy.stats.rankdata's default), which is what makes a tie count one half."),
        (lambda: float(np.mean(pos) > np.mean(neg)),
         "you compared the mean scores of the two groups; the AUC is the fraction of (anomaly, normal) pairs in "
         "which the anomaly scores higher, ties counting one half."),
    ]


_AUC_LABELS = _RNG.integers(0, 2, 61)
_AUC_SCORES = np.round(_RNG.normal(size=61) + _AUC_LABELS, 1)  # rounded: many ties
_AUC_CASES = [
    (np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])),
    (np.array([0, 1]), np.array([0.5, 0.5])),
    (np.array([1, 1, 0]), np.array([3.0, 2.0, 1.0])),
    (np.array([1, 0, 0, 0, 0]), np.array([0.2, 0.2, 0.1, 0.3, 0.2])),
    (np.array([0, 1, 0, 1, 1, 0, 1]), np.array([5.0, 1.0, 4.0, 3.0, 6.0, 2.0, 7.0])),
    (_AUC_LABELS, _AUC_SCORES),
    (np.array([False, True, True]), np.array([0.9, 0.1, 0.9])),
]


def _check_auc(func):
    name = "my_auc"
    for labels, scores in _AUC_CASES:
        shown = f"labels={labels.astype(int).tolist()}, scores={scores.tolist()}" if len(labels) <= 7 \
            else f"<{len(labels)} labels>, <{len(labels)} scores>"
        try:
            got = _call(func, (labels, scores), name, shown, ("labels", "scores"))
        except Incorrect as exc:
            raise Incorrect(f"{exc} (The labels come first, 1 for an anomaly, then the scores.)") from None
        if isinstance(got, (numbers.Real, np.number)) and not isinstance(got, bool) and math.isnan(float(got)):
            raise Incorrect(f"{name}({shown}) returned nan: a division by zero? Check that the labels come first "
                            "(1 for an anomaly) and that you divide by n_anomalies * n_normal.")
        value = _one_number(got, f"{name}({shown})", "one number, the AUC")
        expected = _reference_auc(labels, scores)
        if math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12):
            continue
        for variant, text in _auc_variants(labels, scores):
            with np.errstate(all="ignore"):
                try:
                    v = float(variant())
                except Exception:
                    continue
            if math.isclose(value, v, rel_tol=1e-9, abs_tol=1e-12):
                raise Incorrect(f"{name}({shown}) returned {value:.6g}, expected {expected:.6g}: {text}")
        raise Incorrect(f"{name}({shown}) returned {value:.6g}, expected {expected:.6g}. Compare every anomaly's "
                        "score with every normal example's score: wins count 1, ties 1/2; divide by the number "
                        "of pairs.")
    return ("AUC = the chance that a random anomaly scores above a random normal example (ties count one half): "
            "your function agrees with roc_auc on every case, ties included.")


auc_function = Exercise(
    "Exercise 7.2: the AUC by counting",
    _check_auc,
    hints=["Compare every anomaly's score with every normal example's score: count the wins, and ties as 1/2.",
           "pos[:, None] > neg[None, :] builds the table of comparisons; divide the wins by its size, "
           "len(pos) * len(neg)."],
    solution="""
def my_auc(labels, scores):
    labels, scores = np.asarray(labels).astype(bool), np.asarray(scores, dtype=float)
    pos, neg = scores[labels], scores[~labels]
    ties = (pos[:, None] == neg[None, :]).sum()
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * ties
    return wins / (len(pos) * len(neg))

print(f"counting: {my_auc(is_anomaly_test, test_scores):.6f}  "
      f"roc_auc: {roc_auc(is_anomaly_test, test_scores):.6f}")
""",
    answer="The two agree to rounding: the area under the ROC curve is exactly the fraction of (anomaly, normal) "
           "pairs in which the anomaly scores higher, ties counting one half (the Mann-Whitney U statistic "
           "divided by n_anomalies * n_normal). That is why the AUC needs no threshold, and why it does not "
           "change with the share of anomalies in the test set.",
)


# ------------------------------------------------------ 7.3 the largest angle


def _check_angle(value, basis_a, basis_b):
    from scipy.linalg import subspace_angles

    try:
        a, b = np.asarray(basis_a, dtype=float), np.asarray(basis_b, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("the two bases should be matrices of numbers, one column per direction.") from None
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0]:
        raise Incorrect(f"the two bases should be matrices with one column per direction and the same number of "
                        f"rows; received shapes {a.shape} and {b.shape}.")
    what = "the largest principal angle, in degrees,"
    if isinstance(value, (list, tuple, np.ndarray)) and np.size(value) > 1:
        raise Incorrect(f"{what} should be one number; you gave {np.size(value)} numbers (all the angles?): "
                        "take the largest, .max().")
    got = _one_number(value, "your answer", "one number, in degrees", should="should be", returned="is")
    angles = subspace_angles(a, b)
    expected = math.degrees(float(np.max(angles)))

    def close(x):
        return math.isclose(got, x, rel_tol=1e-3, abs_tol=1e-3)

    if close(expected):
        return (f"The largest principal angle is {expected:.2f} degrees: the two {a.shape[1]}-dimensional "
                "subspaces are that close, at worst.")
    if expected > 1e-3 and close(float(np.max(angles))):
        raise Incorrect("that is in radians; convert with np.degrees.")
    if len(angles) > 1 and close(math.degrees(float(np.min(angles)))):
        raise Incorrect("that is the smallest angle; the question asks for the largest one.")
    if len(angles) > 1 and close(math.degrees(float(np.mean(angles)))):
        raise Incorrect("that is the mean of the principal angles; the question asks for the largest one.")
    if close(90.0 - expected):
        raise Incorrect("that is 90 degrees minus the largest angle: did you take an arcsin for an arccos (or "
                        "the other way round)? subspace_angles returns the angles themselves.")
    if abs(got) < 1e-3 and expected > 1e-2:
        raise Incorrect("0 degrees: did you pass the matrices with one row per direction? subspace_angles wants "
                        "one column per direction (w_decoder.T and pca.components_.T, shape (784, k)).")
    unit = a / np.linalg.norm(a, axis=0, keepdims=True)
    unit_b = b / np.linalg.norm(b, axis=0, keepdims=True)
    best = np.abs(unit.T @ unit_b).max(axis=1).clip(-1, 1)
    if close(math.degrees(float(np.arccos(best).max()))):
        raise Incorrect("that compares single directions (each decoder row with its closest component); "
                        "principal angles compare the two subspaces, whatever basis spans them: use "
                        "scipy.linalg.subspace_angles.")
    raise Incorrect(f"{what} should be {expected:.4g}, you gave {got:.4g}.")


largest_angle = Exercise(
    "Exercise 7.3: the largest principal angle",
    _check_angle,
    hints=["scipy.linalg.subspace_angles(A, B) takes two matrices whose columns span the subspaces; it returns "
           "radians.",
           "np.degrees(subspace_angles(w_decoder.T, pca.components_.T).max())"],
    solution="""
largest = np.degrees(subspace_angles(w_decoder.T, pca.components_.T).max())

# the same with 64 components, after 15 epochs and after 45 more
pca64 = PCA(n_components=64).fit(x_fit)
set_seed(0)
ae64 = dense_autoencoder((784,), hidden_units=(), latent_dim=64, activation=None,
                         latent_activation=None, output_activation=None,
                         name="linear_ae_64")
ae64.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
trained = 0
for epochs in (15, 45):
    train(ae64, x_fit, epochs=epochs, batch_size=64, every=0)
    trained += epochs
    w64 = ae64.get_layer("decoder").get_layer("reconstruction").get_weights()[0]
    angles64 = np.degrees(subspace_angles(w64.T, pca64.components_.T))
    print(f"k = 64 after {trained} epochs: largest angle {angles64.max():.0f} degrees, "
          f"{np.sum(angles64 > 10)} of 64 above 10 degrees")
""",
    answer="With k = 16 the largest angle is a few degrees. With k = 64 most principal angles are as small, "
           "but after the same 15 epochs a few of them, the last directions, are still tens of degrees off, and "
           "training longer shrinks them only slowly (the solution prints the largest angle, and how many exceed "
           "10 degrees, after 15 and after 60 epochs). The last principal directions explain little variance: "
           "the MSE barely changes when the decoder turns away from them, so gradient descent gets little pull "
           "towards them. The reconstruction error says the autoencoder is nearly as good as PCA long before "
           "the weakest directions agree.")


# ------------------------------------------------------ 7.4 precision at a base rate


def _precision_variants(r, f, p):
    return [
        (lambda: r * p / (r * p + f),
         "you forgot that only a share 1 - p of the examples are normal: the false alarms are fpr * (1 - p)."),
        (lambda: f * p / (f * p + r * (1 - p)),
         "recall and false-positive rate are swapped: anomalies are flagged at the rate recall, normal examples "
         "at the rate fpr."),
        (lambda: r * (1 - p) / (r * (1 - p) + f * p),
         "the prevalence p is the share of *anomalies*: the flagged anomalies are recall * p, the false alarms "
         "fpr * (1 - p)."),
        (lambda: r / (r + f),
         "that is the precision when half the examples are anomalies; the prevalence must weigh both terms: "
         "recall * p and fpr * (1 - p)."),
        (lambda: r * p,
         "recall * p is the share of all examples that are flagged anomalies; precision divides it by the share "
         "of all examples that are flagged, recall * p + fpr * (1 - p)."),
        (lambda: 1 - r * p / (r * p + f * (1 - p)),
         "that is the share of false alarms among the flagged examples (the false discovery rate); precision is "
         "1 minus it."),
        (lambda: 100 * r * p / (r * p + f * (1 - p)),
         "that is a percentage; give the precision as a fraction between 0 and 1."),
        (lambda: r * p / (r * p + (1 - f) * (1 - p)),
         "the normal examples that get flagged are a share fpr of them, not 1 - fpr (that is the share left "
         "alone)."),
    ]


_PRECISION_CASES = [(0.3, 0.04, 0.01), (0.82, 0.27, 0.5), (0.9, 0.1, 0.2), (0.5, 0.0, 0.01), (1.0, 0.05, 0.001),
                    (0.3, 0.04, 0.5)]


def _check_precision(func):
    name = "precision_at"
    for r, f, p in _PRECISION_CASES:
        shown = f"recall={r}, fpr={f}, prevalence={p}"
        got = _one_number(_call(func, (r, f, p), name, shown, ("recall", "fpr", "prevalence")), f"{name}({shown})",
                          "one number, the precision")
        expected = r * p / (r * p + f * (1 - p))
        if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        for variant, text in _precision_variants(r, f, p):
            with np.errstate(all="ignore"):
                try:
                    v = float(variant())
                except ZeroDivisionError:
                    continue
            if math.isclose(got, v, rel_tol=1e-6, abs_tol=1e-9):
                raise Incorrect(f"{name}({shown}) returned {got:.4g}, expected {expected:.4g}: {text}")
        raise Incorrect(f"{name}({shown}) returned {got:.4g}, expected {expected:.4g}. Among N examples, "
                        "recall * p * N anomalies and fpr * (1 - p) * N normal examples are flagged; precision "
                        "is the first over their sum.")
    return ("Right: precision = recall * p / (recall * p + fpr * (1 - p)). Recall and FPR belong to the detector; "
            "precision also depends on how rare the anomalies are.")


base_rate = Exercise(
    "Exercise 7.4: precision at a base rate",
    _check_precision,
    hints=["Imagine N examples, a share p of them anomalies. How many anomalies does the detector flag? How many "
           "normal examples?",
           "Flagged anomalies: recall * p * N; false alarms: fpr * (1 - p) * N. Precision is the share of "
           "anomalies among all flagged examples."],
    solution="""
def precision_at(recall, fpr, prevalence):
    flagged_anomalies = recall * prevalence
    false_alarms = fpr * (1 - prevalence)
    return flagged_anomalies / (flagged_anomalies + false_alarms)

for name, t in rules.items():
    r = precision_recall(is_anomaly_test, test_scores, t)
    half = precision_at(r["recall"], r["fpr"], 0.5)
    rare = precision_at(r["recall"], r["fpr"], 0.01)
    print(f"{name}: precision {half:.2f} at 50% anomalies, {rare:.2f} at 1%")
""",
    answer="Recall and the false-positive rate are measured on one kind of example each, so they do not depend on "
           "how many anomalies there are; precision does. On the chapter's test set, half anomalies, the "
           "cautious 'fpr' rule is right most of the times it flags an image; at 1% prevalence the same recall "
           "and FPR give a precision far below one half: most flags would be false alarms. A detector is judged "
           "at the base rate where it will be used, or by recall and FPR, which travel.",
)
