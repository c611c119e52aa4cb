"""The methods on small tensors, against results computed by hand."""

from __future__ import annotations

import math

import torch

from decoder.merging import methods


def t(rows):
    return torch.tensor(rows, dtype=torch.float32)


A = t([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
B = t([[3.0, 0.0, -1.0], [2.0, 1.0, 0.0]])


def test_linear_weighted_average_and_weighted_sum():
    # (0.75 * A + 0.25 * B) / 1: [[1.5, 1.5, 2], [3.5, 4, 4.5]]
    assert torch.equal(methods.linear([A, B], [0.75, 0.25]), t([[1.5, 1.5, 2.0], [3.5, 4.0, 4.5]]))
    # weights 3 and 1 normalised: the same average
    assert torch.equal(methods.linear([A, B], [3.0, 1.0]), t([[1.5, 1.5, 2.0], [3.5, 4.0, 4.5]]))
    # without normalize: 3A + B
    assert torch.equal(methods.linear([A, B], [3.0, 1.0], normalize=False), t([[6.0, 6.0, 8.0], [14.0, 16.0, 18.0]]))


E1 = t([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
E2 = t([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]])


def test_slerp_ends_and_middle():
    assert torch.allclose(methods.slerp(0.0, E1, E2), E1)
    assert torch.allclose(methods.slerp(1.0, E1, E2), E2)
    # orthogonal: angle pi/2, coefficients sin(pi/4) / sin(pi/2) on each tensor (norms interpolate too)
    half = math.sin(math.pi / 4)
    assert torch.allclose(methods.slerp(0.5, E1, E2), t([[half, 2 * half, 0.0], [0.0, 0.0, 0.0]]))
    # t = 1/3 of a 90-degree arc: sin(60°)·v0 + sin(30°)·v1
    assert torch.allclose(methods.slerp(1 / 3, E1, E2),
                          t([[math.sin(math.pi / 3), 2 * math.sin(math.pi / 6), 0.0], [0.0, 0.0, 0.0]]), atol=1e-6)


def test_slerp_falls_back_to_lerp_when_colinear():
    near = 2 * A + 1e-4 * B  # cosine with A above 0.9995
    assert torch.allclose(methods.slerp(0.25, A, near), 0.75 * A + 0.25 * near)
    opposite = -A
    assert torch.allclose(methods.slerp(0.5, A, opposite), torch.zeros_like(A))
    # zero tensors: no division by zero
    assert torch.equal(methods.slerp(0.5, torch.zeros(2, 3), torch.zeros(2, 3)), torch.zeros(2, 3))


def test_slerp_a_lower_threshold_turns_the_arc_into_a_line():
    slanted = t([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])  # cosine with E1: 0.7071
    assert torch.allclose(methods.slerp(0.5, E1, slanted, dot_threshold=0.7), 0.5 * E1 + 0.5 * slanted)


BASE = t([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
D1 = t([[3.0, -1.0, 0.5], [2.0, -4.0, 1.0]])
D2 = t([[-2.0, -3.0, 0.1], [1.0, 5.0, -0.2]])


def test_task_arithmetic():
    x1, x2 = BASE + D1, BASE + D2
    # base + 0.5 * (2·D1 - 1·D2)
    expected = BASE + 0.5 * t([[8.0, 1.0, 0.9], [3.0, -13.0, 2.2]])
    assert torch.allclose(methods.task_arithmetic(BASE, [x1, x2], [2.0, -1.0], lambda_=0.5), expected)
    # normalize divides the sum by the sum of the weights (2 - 1 = 1 here, so use 1 and 3)
    assert torch.allclose(methods.task_arithmetic(BASE, [x1, x2], [1.0, 3.0], normalize=True),
                          BASE + (D1 + 3 * D2) / 4)


def test_ties_trim_elect_disjoint_mean():
    x1, x2 = BASE + D1, BASE + D2
    # density 0.5 of 6 -> 3 kept: D1 keeps -4, 3, 2; D2 keeps 5, -3, -2
    #   trimmed D1 [[3, 0, 0], [2, -4, 0]]   trimmed D2 [[-2, -3, 0], [0, 5, 0]]
    # weights 1, 1: sums [[1, -3, 0], [2, 1, 0]] elect [[+, -, +], [+, +, +]]
    #   agreeing: [0,0] D1=3; [0,1] D2=-3; [1,0] D1=2; [1,1] D2=5 -> disjoint mean (one model each)
    merged = methods.ties(BASE, [x1, x2], [1.0, 1.0], [0.5, 0.5])
    assert torch.equal(merged, BASE + t([[3.0, -3.0, 0.0], [2.0, 5.0, 0.0]]))
    # weights 2, 1: weighted [[6, 0, 0], [4, -8, 0]] and [[-2, -3, 0], [0, 5, 0]]; sums [[4, -3, 0], [4, -3, 0]]
    #   [1,1] now elects -: D1's -8 (weight 2) wins over D2's 5 -> -8 / 2 = -4
    merged = methods.ties(BASE, [x1, x2], [2.0, 1.0], [0.5, 0.5])
    assert torch.equal(merged, BASE + t([[3.0, -3.0, 0.0], [2.0, -4.0, 0.0]]))
    # lambda scales the merged delta; without normalize the weighted sum stays
    assert torch.equal(methods.ties(BASE, [x1, x2], [2.0, 1.0], [0.5, 0.5], lambda_=0.5),
                       BASE + t([[1.5, -1.5, 0.0], [1.0, -2.0, 0.0]]))
    assert torch.equal(methods.ties(BASE, [x1, x2], [2.0, 1.0], [0.5, 0.5], normalize=False),
                       BASE + t([[6.0, -3.0, 0.0], [4.0, -8.0, 0.0]]))


def test_ties_density_one_keeps_every_delta_and_averages_agreeing_ones():
    merged = methods.ties(BASE, [BASE + D1, BASE + D2], [1.0, 1.0], [1.0, 1.0])
    # sums [[1, -4, 0.6], [3, 1, 0.8]]: [0,0] D1 only (3); [0,1] both (-2); [0,2] both (0.3);
    # [1,0] both (1.5); [1,1] D2 only (5); [1,2] D1 only (1)
    assert torch.allclose(merged, BASE + t([[3.0, -2.0, 0.3], [1.5, 5.0, 1.0]]))


def test_trim_keeps_at_least_one_and_rescales_l1():
    assert torch.equal(methods.trim_magnitude(D1, 0.01), t([[0.0, 0.0, 0.0], [0.0, -4.0, 0.0]]))
    kept = methods.trim_magnitude(D1, 0.5, rescale_norm="l1")  # keeps 3, 2, -4 (L1 9 of 11.5)
    assert torch.allclose(kept, t([[3.0, 0.0, 0.0], [2.0, -4.0, 0.0]]) * (11.5 / 9))


def test_sign_election_sum_and_count():
    deltas = t([[5.0], [-1.0], [-1.0]])
    assert torch.stack(methods.elect_signs(deltas, "sum")).reshape(-1).tolist() == [True, False, False]
    assert torch.stack(methods.elect_signs(deltas, "count")).reshape(-1).tolist() == [False, True, True]
    # zeros never agree; a zero total elects +
    assert torch.stack(methods.elect_signs(t([[0.0], [0.0]]), "sum")).reshape(-1).tolist() == [False, False]
    # totals [0, -2] elect [+, -]: the first delta agrees where it is positive, the second where negative
    first, second = methods.elect_signs([t([[1.0, 0.0]]), t([[-1.0, -2.0]])])
    assert first.tolist() == [[True, False]] and second.tolist() == [[False, True]]


def test_dare_drops_with_the_generator_and_rescales_by_one_over_density():
    delta = torch.full((2, 3), 2.0)
    mask = torch.bernoulli(torch.full((2, 3), 0.5), generator=torch.Generator().manual_seed(7))
    assert 0 < mask.sum() < 6  # this seed keeps some and drops some
    merged = methods.dare_linear(BASE, [BASE + delta], [1.0], [0.5], [torch.Generator().manual_seed(7)])
    assert torch.equal(merged, BASE + mask * 2.0 / 0.5)
    again = methods.dare_linear(BASE, [BASE + delta], [1.0], [0.5], [torch.Generator().manual_seed(7)])
    assert torch.equal(merged, again)
    # weight and lambda: base + lambda * w * mask * delta / density
    merged = methods.dare_linear(BASE, [BASE + delta], [0.5], [0.5], [torch.Generator().manual_seed(7)],
                                 lambda_=2.0)
    assert torch.equal(merged, BASE + 2.0 * 0.5 * mask * 4.0)
    # no rescale: the kept deltas as they are
    merged = methods.dare_linear(BASE, [BASE + delta], [1.0], [0.5], [torch.Generator().manual_seed(7)],
                                 rescale=False)
    assert torch.equal(merged, BASE + mask * 2.0)


def test_dare_is_unbiased_and_l1_rescaling_keeps_the_norm():
    delta = torch.randn(200, 500, generator=torch.Generator().manual_seed(0))
    dropped = methods.drop_random(delta, 0.3, torch.Generator().manual_seed(1))
    kept = dropped != 0
    assert abs(kept.float().mean().item() - 0.3) < 0.01
    assert torch.allclose(dropped[kept], delta[kept] / 0.3)
    assert abs(dropped.sum().item() - delta.sum().item()) < 0.05 * delta.abs().sum().item()
    l1 = methods.drop_random(delta, 0.3, torch.Generator().manual_seed(1), rescale_norm="l1")
    assert torch.equal(l1 != 0, kept)
    assert math.isclose(l1.abs().sum().item(), delta.abs().sum().item(), rel_tol=1e-4)


def test_dare_ties_draws_then_elects():
    x1, x2 = BASE + D1, BASE + D2
    # density 1: no draw, so DARE-TIES is TIES without trimming (normalize true to match TIES' default)
    gens = [torch.Generator().manual_seed(0), torch.Generator().manual_seed(1)]
    assert torch.equal(methods.dare_ties(BASE, [x1, x2], [1.0, 1.0], [1.0, 1.0], gens, normalize=True),
                       methods.ties(BASE, [x1, x2], [1.0, 1.0], [1.0, 1.0]))
    # density 0.5: each model's drop is its own generator's draw, then the election on what is left
    masks = [torch.bernoulli(torch.full((2, 3), 0.5), generator=torch.Generator().manual_seed(s)) for s in (0, 1)]
    kept = torch.stack([D1 * masks[0] / 0.5, D2 * masks[1] / 0.5])
    agree = kept.sign() == torch.where(kept.sum(0) >= 0, 1.0, -1.0)
    expected = BASE + (kept * agree).sum(0)
    gens = [torch.Generator().manual_seed(0), torch.Generator().manual_seed(1)]
    assert torch.allclose(methods.dare_ties(BASE, [x1, x2], [1.0, 1.0], [0.5, 0.5], gens), expected)


def test_trim_keeps_what_a_stable_descending_sort_keeps_even_with_ties():
    values = torch.randint(-6, 7, (40, 25), generator=torch.Generator().manual_seed(3)).float()  # many ties
    for density in (0.05, 0.3, 0.5, 0.77, 0.99):
        k = max(1, int(density * values.numel()))
        order = torch.argsort(values.abs().reshape(-1), descending=True, stable=True)[:k]
        expected = torch.zeros(values.numel())
        expected[order] = values.reshape(-1)[order]
        trimmed = methods.trim_magnitude(values, density)
        assert torch.equal(trimmed, expected.reshape(values.shape)), density
        assert int((trimmed != 0).sum()) <= k
