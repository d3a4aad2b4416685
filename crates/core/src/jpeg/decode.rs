//! Decoding: [`read_header`] and [`decode_rgb`], and the owned decompressor behind them.

use std::marker::PhantomData;
use std::mem;
use std::os::raw::{c_ulong, c_void};
use std::ptr::{self, NonNull};

use mozjpeg_sys as ffi;

use super::error::{catch, error_mgr, raise};
use super::{Info, MAX_SCANS};

/// The frame header of `jpeg` (libjpeg's `jpeg_read_header`, which also reads and checks
/// every table before the first scan).
pub fn read_header(jpeg: &[u8]) -> Result<Info, String> {
    catch(|| {
        let mut d = Decompress::new(jpeg);
        let c = d.cinfo();
        Info {
            width: c.image_width as usize,
            height: c.image_height as usize,
            gray: c.jpeg_color_space == ffi::JCS_GRAYSCALE,
            cmyk: matches!(c.jpeg_color_space, ffi::JCS_CMYK | ffi::JCS_YCCK),
        }
    })
}

/// Decodes `jpeg`, which must be `width` × `height`, to RGB in `out` (`width × height × 3`
/// bytes), as `tj3Decompress8` does: the accurate integer IDCT, fancy upsampling, at most
/// [`MAX_SCANS`] scans.
///
/// # Panics
/// If `out` is not `width × height × 3` bytes long (a caller's mistake, not the input's).
pub fn decode_rgb(jpeg: &[u8], width: usize, height: usize, out: &mut [u8]) -> Result<(), String> {
    let row_bytes = width * 3;
    assert_eq!(out.len(), row_bytes * height, "the output buffer's size");
    catch(|| {
        let mut d = Decompress::new(jpeg);
        let c = d.cinfo();
        if (c.image_width as usize, c.image_height as usize) != (width, height) {
            raise(format!(
                "the image is {}×{} pixels, not the {width}×{height} expected",
                c.image_width, c.image_height
            ));
        }
        c.out_color_space = ffi::JCS_EXT_RGB;
        c.dct_method = ffi::J_DCT_METHOD::JDCT_ISLOW;
        c.do_fancy_upsampling = 1;
        c.scale_num = 1;
        c.scale_denom = 1;
        // SAFETY: `c` is a decompressor that has read its header.
        unsafe { ffi::jpeg_start_decompress(c) };
        if (
            c.output_width as usize,
            c.output_height as usize,
            c.output_components,
        ) != (width, height, 3)
        {
            raise("unexpected output dimensions".into());
        }
        let base = out.as_mut_ptr();
        let mut rows: [*mut u8; 16] = [ptr::null_mut(); 16];
        while (c.output_scanline as usize) < height {
            let first = c.output_scanline as usize;
            let n = (height - first).min(rows.len());
            for (i, row) in rows[..n].iter_mut().enumerate() {
                // SAFETY: row `first + i` < `height` lies within `out`.
                *row = unsafe { base.add((first + i) * row_bytes) };
            }
            // SAFETY: the `n` row pointers each point to `width × 3` writable bytes of
            // `out`, the width of an RGB output row.
            let read = unsafe { ffi::jpeg_read_scanlines(c, rows.as_mut_ptr(), n as u32) };
            if read == 0 {
                raise("the decoder returned no rows".into());
            }
        }
        // Reads on to the EOI marker: a missing one is a warning, so an error here.
        // SAFETY: every scanline has been read.
        unsafe { ffi::jpeg_finish_decompress(c) };
    })
}

/// A decompressor and what it points to, in one allocation that libjpeg's pointers
/// (`err`, `progress`, `client_data`) point into.
#[repr(C)]
struct Decoder {
    cinfo: ffi::jpeg_decompress_struct,
    err: ffi::jpeg_error_mgr,
    progress: ffi::jpeg_progress_mgr,
}

/// An owned [`Decoder`] reading `'a` bytes; dropping it frees everything libjpeg holds.
struct Decompress<'a> {
    decoder: NonNull<Decoder>,
    _input: PhantomData<&'a [u8]>,
}

impl<'a> Decompress<'a> {
    /// A decompressor that has read the header of `jpeg` (raises on failure).
    fn new(jpeg: &'a [u8]) -> Self {
        let decoder = Box::new(Decoder {
            // SAFETY: all-zero is the state `jpeg_CreateDecompress` expects to start
            // from (and that `jpeg_destroy` accepts if creation fails).
            cinfo: unsafe { mem::zeroed() },
            err: error_mgr(),
            progress: ffi::jpeg_progress_mgr {
                progress_monitor: Some(limit_scans),
                pass_counter: 0,
                pass_limit: 0,
                completed_passes: 0,
                total_passes: 0,
            },
        });
        // From here on `Drop` frees it, whatever raises below.
        let mut this = Decompress {
            decoder: NonNull::from(Box::leak(decoder)),
            _input: PhantomData,
        };
        let d = this.decoder.as_ptr();
        // SAFETY: `d` is valid and stays put until `drop`; the struct size given is the
        // binding's, which matches the library's (ABI 62).
        unsafe {
            (*d).cinfo.common.err = ptr::addr_of_mut!((*d).err);
            (*d).cinfo.common.client_data = d.cast::<c_void>();
            ffi::jpeg_create_decompress(ptr::addr_of_mut!((*d).cinfo));
            // `jpeg_CreateDecompress` zeroes everything but `err` and `client_data`.
            (*d).cinfo.common.progress = ptr::addr_of_mut!((*d).progress);
        }
        let c = this.cinfo();
        let len = c_ulong::try_from(jpeg.len()).unwrap_or(c_ulong::MAX);
        // SAFETY: `jpeg` outlives `this` ('a); libjpeg only reads it.
        unsafe {
            ffi::jpeg_mem_src(c, jpeg.as_ptr(), len);
            ffi::jpeg_read_header(c, 1);
        }
        this
    }

    fn cinfo(&mut self) -> &mut ffi::jpeg_decompress_struct {
        // SAFETY: the decoder is valid while `self` is, and only reached through `self`.
        unsafe { &mut (*self.decoder.as_ptr()).cinfo }
    }
}

impl Drop for Decompress<'_> {
    fn drop(&mut self) {
        // SAFETY: the decoder came from `Box::leak` and is freed only here, after libjpeg
        // has released everything it allocated (safe in any state, even a failed create).
        unsafe {
            ffi::jpeg_destroy_decompress(self.cinfo());
            drop(Box::from_raw(self.decoder.as_ptr()));
        }
    }
}

/// libjpeg's progress hook: refuses a scan past the [`MAX_SCANS`]th (as TurboJPEG's
/// `TJPARAM_SCANLIMIT` does, with its message).
extern "C-unwind" fn limit_scans(cinfo: &mut ffi::jpeg_common_struct) {
    let decoder = cinfo.client_data.cast::<Decoder>();
    // SAFETY: the hook is only installed on a `Decoder`'s `cinfo`, whose `client_data`
    // points to that decoder; `input_scan_number` is outside the `common` part borrowed.
    let scan = unsafe { (*decoder).cinfo.input_scan_number };
    if i64::from(scan) > i64::from(MAX_SCANS) {
        raise(format!(
            "Progressive JPEG image has more than {MAX_SCANS} scans"
        ));
    }
}
