"""The landscape's two selectors, as the Train step (with AUTO) and the Model step (without) use them."""

import pytest

from fflux_studio.ui.pair_select import AUTO, PairSelect


def test_the_train_steps_selectors_choose_a_pair_or_the_default():
    calls = []
    axes = PairSelect(lambda: calls.append((axes.x.value, axes.y.value)))
    axes.features(6)
    assert axes.x.options == [AUTO, "ln θ1", "ln θ2", "ln θ3", "ln θ4", "ln θ5", "ln θ6"] and calls == []
    axes.x.value = "ln θ4"
    assert calls == [("ln θ4", AUTO)] and axes.chosen() is None, "AUTO on either axis: the two most influential"
    axes.y.value = "ln θ2"
    assert axes.chosen() == (3, 1)
    axes.y.value = "ln θ4"
    with pytest.raises(ValueError, match="^ln θ4 on both axes: choose two different features$"):
        axes.chosen()
    axes.features(3)  # a run with fewer features: a value no longer offered goes back to AUTO, a change
    assert calls[-1] == (AUTO, AUTO) and axes.chosen() is None


def test_the_model_steps_selectors_show_the_pair_drawn_without_calling_back():
    calls = []
    axes = PairSelect(lambda: calls.append(axes.chosen()), auto=False)
    axes.show((5, 0), 6)
    assert axes.x.options[0] == "ln θ1" and (axes.x.value, axes.y.value) == ("ln θ6", "ln θ1") and calls == []
    axes.y.value = "ln θ3"
    assert calls == [(5, 2)]
    axes.disabled = True
    assert axes.x.disabled and axes.y.disabled
