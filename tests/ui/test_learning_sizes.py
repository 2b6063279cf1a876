"""Default learning-curve sizes train with TL on the loaded data; bad sizes are refused in words."""

import numpy as np
import pytest

from fflux_studio.protocols import ProtocolSettings
from fflux_studio.protocols.settings import MIN_POINTS_PER_FEATURE
from fflux_studio.ui.learning_sizes import check_size, default_sizes, smallest_size


@pytest.mark.parametrize("subset", [0.1, 70])
def test_the_smallest_size_is_the_first_tl_accepts(subset):
    settings = ProtocolSettings(subset=subset)
    smallest = smallest_size(settings, 500, 21)
    assert settings.subset_size(smallest, 21) < smallest
    with pytest.raises(ValueError):
        settings.subset_size(smallest - 1, 21)


def test_defaults_span_twice_the_smallest_to_the_training_set_on_a_log_axis():
    settings = ProtocolSettings()
    sizes = default_sizes(settings, 500, 21)
    assert sizes[0] == 2 * smallest_size(settings, 500, 21) and sizes[-1] == 500
    assert all(check_size(size, settings, 500, 21) == size for size in sizes)
    ratios = np.diff(np.log(sizes))
    assert np.allclose(ratios, ratios[0], atol=0.01)


def test_the_old_presets_are_refused_in_words():
    with pytest.raises(ValueError, match=f"training-set size 40 is too small for TL: .*{MIN_POINTS_PER_FEATURE} x 21 features.*use at least 64"):
        check_size(40, ProtocolSettings(), 500, 21)
    with pytest.raises(ValueError, match="larger than the training set"):
        check_size(800, ProtocolSettings(), 500, 21)


def test_no_defaults_when_tl_cannot_train_at_all():
    assert default_sizes(ProtocolSettings(), 50, 21) == []
