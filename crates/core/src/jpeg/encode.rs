//! Encoding: [`encode`], and the owned compressor and in-memory destination behind it.

use std::mem;
use std::os::raw::{c_int, c_void};
use std::ptr::{self, NonNull};

use mozjpeg_sys as ffi;

use super::error::{catch, error_mgr, raise};
use super::{Format, Image, Sampling};

/// `image` as a baseline (or progressive) JPEG at `quality` (1 to 100), as
/// `tj3Compress8` makes it with `TJPARAM_QUALITY` and `TJPARAM_SUBSAMP` set and every other
/// parameter at its default.
pub fn encode(
    image: &Image<'_>,
    quality: u8,
    sampling: Sampling,
    progressive: bool,
) -> Result<Vec<u8>, String> {
    let Image {
        pixels,
        width,
        height,
        format,
    } = *image;
    let row_bytes = width * format.components();
    if width == 0 || height == 0 || pixels.len() < row_bytes * height {
        return Err(format!(
            "{} bytes are not a {width}×{height} image",
            pixels.len()
        ));
    }
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(format!("{width}×{height} is too large"));
    };
    catch(|| {
        let mut e = Compress::new();
        let c = e.cinfo();
        c.image_width = w;
        c.image_height = h;
        c.input_components = format.components() as c_int;
        c.in_color_space = match format {
            Format::Rgb => ffi::JCS_EXT_RGB,
            Format::Cmyk => ffi::JCS_CMYK,
        };
        // SAFETY (all the calls below): `c` is a compressor in its start state, as these
        // calls require; each is given valid arguments.
        unsafe {
            // libjpeg's defaults instead of MozJPEG's: baseline, no trellis quantisation,
            // the Annex K tables, no deringing, no Huffman optimisation. Must come first:
            // `jpeg_set_defaults` reads it.
            ffi::jpeg_c_set_int_param(c, ffi::JINT_COMPRESS_PROFILE, ffi::JCP_FASTEST as c_int);
            ffi::jpeg_set_defaults(c);
            // What JCP_FASTEST implies, made explicit: table 0 is Annex K, and
            // `jpeg_set_quality` below scales the table this selects.
            ffi::jpeg_c_set_int_param(c, ffi::JINT_BASE_QUANT_TBL_IDX, 0);
            ffi::jpeg_c_set_int_param(c, ffi::JINT_DC_SCAN_OPT_MODE, 0);
            for param in [
                ffi::JBOOLEAN_TRELLIS_QUANT,
                ffi::JBOOLEAN_TRELLIS_QUANT_DC,
                ffi::JBOOLEAN_TRELLIS_EOB_OPT,
                ffi::JBOOLEAN_TRELLIS_Q_OPT,
                ffi::JBOOLEAN_USE_SCANS_IN_TRELLIS,
                ffi::JBOOLEAN_OPTIMIZE_SCANS,
                ffi::JBOOLEAN_OVERSHOOT_DERINGING,
            ] {
                ffi::jpeg_c_set_bool_param(c, param, 0);
            }
            // From here on, TurboJPEG's setCompDefaults().
            ffi::jpeg_set_quality(c, c_int::from(quality.clamp(1, 100)), 1);
            c.dct_method = ffi::J_DCT_METHOD::JDCT_ISLOW;
            let space = match (format, sampling) {
                (_, Sampling::Gray) => ffi::JCS_GRAYSCALE,
                (Format::Cmyk, _) => ffi::JCS_YCCK,
                _ => ffi::JCS_YCbCr,
            };
            ffi::jpeg_set_colorspace(c, space);
            c.optimize_coding = 0;
            if progressive {
                ffi::jpeg_simple_progression(c);
            }
            c.arith_code = 0;
        }
        // Luma's horizontal and vertical sampling factors; chroma's are 1.
        let luma = match sampling {
            Sampling::S420 => (2, 2),
            Sampling::S444 => (1, 1),
            Sampling::S422 => (2, 1),
            Sampling::S440 => (1, 2),
            Sampling::Gray => (1, 1),
        };
        let components = c.num_components as usize;
        // SAFETY: `jpeg_set_colorspace` has set up `num_components` entries of `comp_info`.
        let comps = unsafe { std::slice::from_raw_parts_mut(c.comp_info, components) };
        for (i, comp) in comps.iter_mut().enumerate() {
            let (h, v) = if i == 0 || i == 3 { luma } else { (1, 1) };
            comp.h_samp_factor = h;
            comp.v_samp_factor = v;
        }
        // SAFETY: the parameters are set; the destination manager is installed.
        unsafe { ffi::jpeg_start_compress(c, 1) };
        let base = pixels.as_ptr();
        let mut rows: [*const u8; 16] = [ptr::null(); 16];
        while (c.next_scanline as usize) < height {
            let first = c.next_scanline as usize;
            let n = (height - first).min(rows.len());
            for (i, row) in rows[..n].iter_mut().enumerate() {
                // SAFETY: row `first + i` < `height` lies within `pixels`.
                *row = unsafe { base.add((first + i) * row_bytes) };
            }
            // SAFETY: the `n` row pointers each point to a full input row of `pixels`.
            let written = unsafe { ffi::jpeg_write_scanlines(c, rows.as_ptr(), n as u32) };
            if written == 0 {
                raise("the encoder took no rows".into());
            }
        }
        // SAFETY: every scanline has been written.
        unsafe { ffi::jpeg_finish_compress(c) };
        e.take_output()
    })
}

/// A compressor and what it points to, in one allocation, as for [`Decoder`]; the
/// destination manager writes into `output`.
#[repr(C)]
struct Encoder {
    cinfo: ffi::jpeg_compress_struct,
    err: ffi::jpeg_error_mgr,
    dest: ffi::jpeg_destination_mgr,
    output: Vec<u8>,
}

/// An owned [`Encoder`]; dropping it frees everything libjpeg holds.
struct Compress {
    encoder: NonNull<Encoder>,
}

impl Compress {
    /// A compressor in its start state (raises on failure).
    fn new() -> Self {
        let encoder = Box::new(Encoder {
            // SAFETY: as for `Decoder`.
            cinfo: unsafe { mem::zeroed() },
            err: error_mgr(),
            dest: ffi::jpeg_destination_mgr {
                next_output_byte: ptr::null_mut(),
                free_in_buffer: 0,
                init_destination: Some(init_destination),
                empty_output_buffer: Some(empty_output_buffer),
                term_destination: Some(term_destination),
            },
            output: Vec::new(),
        });
        let this = Compress {
            encoder: NonNull::from(Box::leak(encoder)),
        };
        let e = this.encoder.as_ptr();
        // SAFETY: as for `Decompress::new`.
        unsafe {
            (*e).cinfo.common.err = ptr::addr_of_mut!((*e).err);
            (*e).cinfo.common.client_data = e.cast::<c_void>();
            ffi::jpeg_create_compress(ptr::addr_of_mut!((*e).cinfo));
            (*e).cinfo.dest = ptr::addr_of_mut!((*e).dest);
        }
        this
    }

    fn cinfo(&mut self) -> &mut ffi::jpeg_compress_struct {
        // SAFETY: as for `Decompress::cinfo`.
        unsafe { &mut (*self.encoder.as_ptr()).cinfo }
    }

    /// The JPEG written, once `jpeg_finish_compress` has returned.
    fn take_output(&mut self) -> Vec<u8> {
        // SAFETY: as for `Decompress::cinfo`.
        unsafe { mem::take(&mut (*self.encoder.as_ptr()).output) }
    }
}

impl Drop for Compress {
    fn drop(&mut self) {
        // SAFETY: as for `Decompress`.
        unsafe {
            ffi::jpeg_destroy_compress(self.cinfo());
            drop(Box::from_raw(self.encoder.as_ptr()));
        }
    }
}

/// The [`Encoder`] a compressor's hook is called for.
fn encoder_of(cinfo: &mut ffi::jpeg_compress_struct) -> *mut Encoder {
    cinfo.common.client_data.cast::<Encoder>()
}

/// Hands libjpeg the spare capacity of the output (growing it first).
///
/// # Safety
/// `e` is a live [`Encoder`], and `e.output`'s length covers every byte written.
unsafe fn offer_space(e: *mut Encoder) {
    // SAFETY: per the contract; `output` and `dest` lie outside the `cinfo` that the
    // calling hook borrows.
    unsafe {
        let output = &mut (*e).output;
        let more = output.len().max(1 << 16);
        if output.try_reserve(more).is_err() {
            raise(format!(
                "out of memory growing the JPEG past {} bytes",
                output.len()
            ));
        }
        (*e).dest.next_output_byte = output.as_mut_ptr().add(output.len());
        (*e).dest.free_in_buffer = output.capacity() - output.len();
    }
}

extern "C-unwind" fn init_destination(cinfo: &mut ffi::jpeg_compress_struct) {
    let e = encoder_of(cinfo);
    // SAFETY: the hooks are only installed on an `Encoder`'s `cinfo`; the output is empty.
    unsafe {
        (*e).output.clear();
        offer_space(e);
    }
}

extern "C-unwind" fn empty_output_buffer(cinfo: &mut ffi::jpeg_compress_struct) -> ffi::boolean {
    let e = encoder_of(cinfo);
    // SAFETY: libjpeg calls this once it has filled all the space last offered, which
    // was the output's whole spare capacity.
    unsafe {
        let output = &mut (*e).output;
        output.set_len(output.capacity());
        offer_space(e);
    }
    1
}

extern "C-unwind" fn term_destination(cinfo: &mut ffi::jpeg_compress_struct) {
    let e = encoder_of(cinfo);
    // SAFETY: libjpeg has written all but `free_in_buffer` bytes of the space offered.
    unsafe {
        let output = &mut (*e).output;
        output.set_len(output.capacity() - (*e).dest.free_in_buffer);
    }
}
