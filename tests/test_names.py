"""Names that become file names: safe ones pass unchanged, anything that could leave a folder or
is not a plain file name is refused with a message naming its source and role."""

import pytest

from fflux_studio.io.errors import InputError
from fflux_studio.names import file_name_part, model_system_name


@pytest.mark.parametrize("name", ["WATER", "water_monomer", "C1", "q00", "iqa", "formic-acid.2", "H2O+"])
def test_safe_names_pass_unchanged(name):
    assert file_name_part(name, "system") == name


@pytest.mark.parametrize("name", ["../../escaped", "a/b", "a\\b", "..", ".hidden", "", "two words", "x\x00y",
                                  "C:evil", "-rf", "a" * 101, "a..b"])
def test_unsafe_names_are_refused_naming_the_source(name):
    with pytest.raises(InputError) as err:
        file_name_part(name, "system", "frames.extxyz")
    message = str(err.value)
    assert message.startswith("frames.extxyz, field 'system': the system name") and "model file name" in message


def test_the_system_name_of_model_files_is_upper_case():
    assert model_system_name("ethanol") == "ETHANOL"
    with pytest.raises(InputError, match="'../x'"):
        model_system_name("../x")
