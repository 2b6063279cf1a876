"""Uploads: one file, several files, a .zip (also with a folder inside and macOS debris), .gz, and
every limit; messages name the files as the user named them, and nothing stays on disk."""

import gzip
import io
import zipfile

import numpy as np
import pytest
from ase import Atoms
from ase.io import write

from fflux_studio.io.errors import InputError
from fflux_studio.io.upload import UploadLimits, load_upload

INT = """ Integration is over atom {atom}
 Results of the basin integration:
          N =  9.0E+00   q = {q} = Net Charge
          L = -2.0E-05
E_IQA(A)                          = {iqa}
"""


def water_xyz(n=8) -> bytes:
    frames = []
    for i in range(n):
        atoms = Atoms("OH2", positions=[[0, 0, 0], [0.96 + 0.01 * i, 0, 0], [-0.24, 0.93 - 0.005 * i, 0]],
                      info={"system": "water"})
        atoms.arrays["iqa"] = np.array([-75.4, -0.5, -0.5]) + 1e-3 * i
        frames.append(atoms)
    text = io.StringIO()
    write(text, frames, format="extxyz")
    return text.getvalue().encode()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def workdir(tmp_path):
    """The session's upload folder: empty again after every upload, whatever happened."""
    yield tmp_path
    assert not list(tmp_path.iterdir())


def test_one_file(workdir):
    dataset = load_upload(["water.extxyz"], [water_xyz()], workdir)
    assert dataset.n_frames == 8 and dataset.system == "water" and dataset.provenance == "water.extxyz"


def test_a_gz_file_is_inflated(workdir):
    dataset = load_upload(["water.extxyz.gz"], [gzip.compress(water_xyz())], workdir)
    assert dataset.n_frames == 8 and dataset.provenance == "water.extxyz.gz"


def test_a_zip_with_a_folder_and_macos_debris(workdir):
    data = zipped({"run1/": b"", "run1/water.xyz": water_xyz(), "__MACOSX/run1/._water.xyz": b"\x00\x05junk",
                   "run1/.DS_Store": b"\x00junk"})
    dataset = load_upload(["trajectory.zip"], [data], workdir)
    assert dataset.n_frames == 8 and dataset.provenance == "trajectory.zip/run1/water.xyz"


def test_a_gz_inside_a_zip(workdir):
    dataset = load_upload(["t.zip"], [zipped({"water.xyz.gz": gzip.compress(water_xyz())})], workdir)
    assert dataset.n_frames == 8


def point_files(iqa_o=-75.4) -> dict[str, bytes]:
    geometry = b"3\nwater\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n"
    files = {"water.xyz": geometry}
    for atom, q, iqa in (("O1", -1.1, iqa_o), ("H2", 0.55, -0.45), ("H3", 0.55, -0.46)):
        files[f"{atom.lower()}.int"] = INT.format(atom=atom, q=q, iqa=iqa).encode()
    return files


def test_several_files_are_one_folder(workdir):
    files = point_files()
    dataset = load_upload(list(files), list(files.values()), workdir)
    assert dataset.n_frames == 1 and dataset.xy("O1", "iqa")[1].tolist() == [-75.4]


def test_errors_name_the_files_as_uploaded(workdir):
    files = point_files(iqa_o="abc")
    with pytest.raises(InputError) as err:
        load_upload(["point.zip"], [zipped({f"WATER1.pointdir/{k}": v for k, v in files.items()})], workdir)
    message = str(err.value)
    assert message.startswith("point.zip/WATER1.pointdir/o1.int, line 5, field 'E_IQA(A)'"), message
    assert str(workdir) not in message
    with pytest.raises(InputError, match=r"^a\.csv, b\.txt: a directory without ICHOR points"):
        load_upload(["a.csv", "b.txt"], [b"x", b"y"], workdir)


@pytest.mark.parametrize("names,contents,limits,message", [
    (["big.xyz"], [b"0" * 2000], UploadLimits(max_upload_bytes=1000), "big.xyz: 0.00190735 MiB uploaded, more than"),
    (["many.zip"], [zipped({f"f{i}.xyz": b"" for i in range(11)})], UploadLimits(max_members=10),
     "many.zip: 11 members, more than the limit of 10"),
    (["bomb.zip"], [zipped({"zeros.xyz": b"\0" * 100_000})], UploadLimits(max_inflated_bytes=50_000),
     "bomb.zip/zeros.xyz: inflates to more than"),
    (["bomb.xyz.gz"], [gzip.compress(b"\0" * 100_000)], UploadLimits(max_inflated_bytes=50_000),
     "bomb.xyz.gz: inflates to more than"),
    (["slip.zip"], [zipped({"../evil.xyz": b"1"})], UploadLimits(), "slip.zip/../evil.xyz: a member that would"),
    (["broken.zip"], [b"PK\x03\x04 not really"], UploadLimits(), "broken.zip: not a readable zip archive"),
    (["broken.xyz.gz"], [b"\x1f\x8b not really"], UploadLimits(), "broken.xyz.gz: not a readable gzip file"),
    (["t.zip"], [zipped({"in/broken.xyz.gz": b"\x1f\x8b not really"})], UploadLimits(),
     "t.zip/in/broken.xyz.gz: not a readable gzip file"),
    (["a.xyz", "dir/a.xyz"], [b"", b""], UploadLimits(), "a.xyz: uploaded twice"),
])
def test_limits_and_bad_archives(workdir, names, contents, limits, message):
    with pytest.raises(InputError) as err:
        load_upload(names, contents, workdir, limits)
    assert str(err.value).startswith(message), str(err.value)


@pytest.mark.parametrize("limit", [100 * 1024 ** 2, 10 ** 8, 123_456_789])
def test_the_browser_limit_never_lets_through_what_the_server_refuses(limit):
    """FilePond reads '104857KB' as 104857 x 1000 bytes (its default size base)."""
    written = UploadLimits(max_upload_bytes=limit).browser_size()
    browser_bytes = int(written.removesuffix("KB")) * 1000
    assert limit - 1000 < browser_bytes <= limit
