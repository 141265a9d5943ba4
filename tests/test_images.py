"""Bad and unusual input: a clear, typed error or a correct conversion, one test per case."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from emolab import errors, load_image


def png_bytes(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **kwargs)
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **kwargs)
    return buffer.getvalue()


def gradient(width=120, height=90) -> np.ndarray:
    x = np.linspace(0, 255, width, dtype=np.float64)
    y = np.linspace(0, 255, height, dtype=np.float64)[:, None]
    return np.stack(
        [
            np.broadcast_to(x, (height, width)),
            np.broadcast_to(y, (height, width)),
            np.full((height, width), 50.0),
        ],
        axis=2,
    ).astype(np.uint8)


def test_pdf_is_not_an_image(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    with pytest.raises(errors.NotAnImageError, match="PDF"):
        load_image(path)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "holiday.jpg"
    path.write_text("this is not really a photo\n")
    with pytest.raises(errors.NotAnImageError, match="contains text"):
        load_image(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(errors.EmptyFileError, match="0 bytes"):
        load_image(path)


def test_empty_bytes():
    with pytest.raises(errors.EmptyFileError):
        load_image(b"")


def test_truncated_jpeg():
    data = jpeg_bytes(Image.fromarray(gradient(400, 300)), quality=95)
    with pytest.raises(errors.CorruptImageError, match="damaged or cut short"):
        load_image(data[: len(data) // 3])


def test_one_pixel_image():
    with pytest.raises(errors.ImageTooSmallError, match="1x1"):
        load_image(png_bytes(Image.new("RGB", (1, 1))))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims to be width x height: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_huge_image_refused_before_decoding():
    with pytest.raises(errors.ImageTooLargeError, match="too large"):
        load_image(png_header_only(20000, 20000))


def test_large_image_over_the_course_limit_is_refused_with_its_size():
    with pytest.raises(errors.ImageTooLargeError, match="9000x9000"):
        load_image(png_header_only(9000, 9000))


def test_grayscale_becomes_three_equal_channels():
    gray = gradient()[:, :, 0]
    rgb = load_image(png_bytes(Image.fromarray(gray, mode="L"))).rgb
    assert rgb.shape == (*gray.shape, 3)
    assert (rgb[:, :, 0] == gray).all() and (rgb[:, :, 2] == gray).all()


def test_rgba_is_flattened_on_white():
    rgba = np.zeros((90, 120, 4), np.uint8)
    rgba[:, :60] = [200, 10, 10, 255]  # opaque red half, transparent other half
    loaded = load_image(png_bytes(Image.fromarray(rgba, mode="RGBA")))
    assert tuple(loaded.rgb[0, 0]) == (200, 10, 10)
    assert tuple(loaded.rgb[0, -1]) == (255, 255, 255)
    assert any("white background" in note for note in loaded.notes)


def test_palette_image():
    palette = Image.fromarray(gradient()).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    rgb = load_image(png_bytes(palette)).rgb
    assert rgb.shape == (90, 120, 3) and rgb.dtype == np.uint8
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) <= 16


def test_cmyk_jpeg():
    cmyk = Image.fromarray(gradient()).convert("CMYK")
    loaded = load_image(jpeg_bytes(cmyk, quality=95))
    expected = np.asarray(cmyk.convert("RGB"), dtype=np.int16)
    assert loaded.rgb.shape == (90, 120, 3)
    assert np.abs(loaded.rgb.astype(np.int16) - expected).mean() < 8
    assert any("CMYK" in note for note in loaded.notes)


def test_sixteen_bit_png_is_scaled_not_clipped():
    values = np.array([[0, 32768, 65535] * 40] * 60, dtype=np.uint16)
    loaded = load_image(png_bytes(Image.fromarray(values)))
    assert loaded.rgb[0, :3, 0].tolist() == [0, 128, 255]
    assert any("bit" in note for note in loaded.notes)


def test_animated_gif_uses_first_frame():
    frames = [Image.new("RGB", (80, 80), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    loaded = load_image(buffer.getvalue())
    assert loaded.rgb[40, 40, 0] > 200 and loaded.rgb[40, 40, 2] < 50
    assert any("first frame" in note for note in loaded.notes)


def test_exif_rotation_is_applied():
    upright = gradient(120, 90)
    stored = Image.fromarray(np.rot90(upright, k=1).copy())  # stored turned a quarter
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    loaded = load_image(jpeg_bytes(stored, exif=exif, quality=95))
    assert loaded.rgb.shape == (90, 120, 3)
    assert np.abs(loaded.rgb.astype(int) - upright.astype(int)).mean() < 6
    assert any("EXIF" in note for note in loaded.notes)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_array(bad):
    array = np.full((60, 60, 3), 0.5)
    array[3, 3, 1] = bad
    with pytest.raises(errors.BadArrayError, match="NaN or infinite"):
        load_image(array, color="rgb")


@pytest.mark.parametrize("dtype", [bool, object, complex])
def test_wrong_dtype_array(dtype):
    with pytest.raises(errors.BadArrayError, match="numbers"):
        load_image(np.zeros((60, 60, 3), dtype=dtype), color="rgb")


def test_colour_array_needs_its_channel_order():
    with pytest.raises(errors.BadArrayError) as caught:
        load_image(gradient())
    assert "color='rgb'" in caught.value.advice


def test_bgr_array_is_reversed():
    rgb = gradient()
    assert (load_image(rgb[:, :, ::-1].copy(), color="bgr").rgb == rgb).all()


def test_float_array_in_unit_range_is_scaled():
    loaded = load_image(gradient() / 255.0, color="rgb")
    assert np.abs(loaded.rgb.astype(int) - gradient().astype(int)).max() <= 1


def test_wrong_shape_array():
    with pytest.raises(errors.BadArrayError, match="height, width"):
        load_image(np.zeros((60, 60, 5), np.uint8), color="rgb")


def test_missing_path(tmp_path):
    with pytest.raises(errors.ImageLoadError, match="No file at"):
        load_image(tmp_path / "nowhere.jpg")


def test_url_is_refused_with_advice():
    with pytest.raises(errors.ImageLoadError, match="web address") as caught:
        load_image("https://example.org/face.jpg")
    assert "Download" in caught.value.advice


def test_pil_image_input():
    rgb = gradient()
    assert (load_image(Image.fromarray(rgb)).rgb == rgb).all()


def test_file_object_input():
    rgb = gradient()
    assert (load_image(io.BytesIO(png_bytes(Image.fromarray(rgb)))).rgb == rgb).all()


def test_errors_render_without_traceback_in_ipython():
    err = errors.EmptyFileError("photo.jpg is empty (0 bytes).")
    lines = err._render_traceback_()
    assert lines == ["EmptyFileError: photo.jpg is empty (0 bytes).", f"What to do: {err.advice}"]


def test_upright_photo_gets_no_rotation_note():
    assert not any("EXIF" in note for note in load_image(jpeg_bytes(Image.fromarray(gradient()))).notes)
