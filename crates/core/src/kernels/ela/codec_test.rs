//! The codec's bytes, pinned: what libjpeg-turbo's C code gives, which its SIMD code must give
//! too (see `crate::jpeg`).

use sha2::{Digest, Sha256};

use super::test::{decoded_image, jpeg, photo, png_samples, run_ok};
use crate::jpeg::{self, Sampling};

/// One case of [`the_codec_gives_the_bytes_it_always_gave`]: an image size, how its input JPEG
/// is saved (quality, sampling, progressive), the re-encode quality.
type CodecCase = ((usize, usize), u8, Sampling, bool, u8);

/// The SHA-256 of the input JPEG, of its decoded pixels, of the re-encoded whole image, and of
/// the ELA map, for one case.
fn codec_digest(case: &CodecCase) -> String {
    let &((w, h), quality, sampling, progressive, resave) = case;
    let pixels = photo(w, h, (w * 31 + h) as u64);
    let image = jpeg::Image {
        pixels: &pixels,
        width: w,
        height: h,
        format: jpeg::Format::Rgb,
    };
    let input = jpeg::encode(&image, quality, sampling, progressive).expect("compress");
    let (decoded, _, _) = decoded_image(&input);
    let again = jpeg(&decoded, w, h, resave, Sampling::S420);
    let (_, map) = png_samples(&run_ok(&input, resave, 1.0).png);
    let mut hasher = Sha256::new();
    for part in [&input, &decoded, &again, &map] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every step libjpeg-turbo has SIMD code for (RGB→YCbCr, 2×2 downsampling, the islow FDCT,
/// quantisation, Huffman coding; the islow IDCT, fancy 2×1 and 2×2 upsampling, YCbCr→RGB),
/// on odd and even sizes, every sampling the decoder meets, baseline and progressive: the
/// digests the C code (a build without NASM) gives. A build with libjpeg-turbo's SIMD must give
/// the same bytes, so this test passes on both; `jpeg::simd()` says which one ran.
#[test]
fn the_codec_gives_the_bytes_it_always_gave() {
    let cases: [(CodecCase, &str); 72] = [
        (
            ((1, 1), 75, Sampling::S420, false, 90),
            "bb0f8e7659d35e85a5f09d29c6dc95e2310c85c5c906ffa4fbae8f0fe266324a",
        ),
        (
            ((1, 1), 75, Sampling::S420, false, 75),
            "0e130f36c253039139f170d632a334fc613b40bed439a02ffc937035a451f7c0",
        ),
        (
            ((1, 1), 90, Sampling::S444, false, 90),
            "93267bd2ef5d5c22df71419168a6ca6483fd316eacb395c6d6bbd09c43b2a717",
        ),
        (
            ((1, 1), 90, Sampling::S444, false, 75),
            "dfcaf44e31ac8c5cd2e7cd7057717c62b6482bae4c6bb83595b3d2bfe3ef2138",
        ),
        (
            ((1, 1), 85, Sampling::S422, false, 90),
            "7b086307dc6bfcf3e17d6f41fa815c2cb96ff0a29c57bb7e7de6e8959ebfea81",
        ),
        (
            ((1, 1), 85, Sampling::S422, false, 75),
            "8040e534608f52347e6d414f908d6cc5c51159f61fc8588ab34507e2ab61b35e",
        ),
        (
            ((1, 1), 80, Sampling::S440, false, 90),
            "04c9aee8f4131a32d4857768817bf4c74ba1565ea686410f2317c428c52ee90d",
        ),
        (
            ((1, 1), 80, Sampling::S440, false, 75),
            "23eca21cafd1a1c63450ff8262b8176e2032295fe7d3e0cbf7b1fe189c9b7e8b",
        ),
        (
            ((1, 1), 70, Sampling::Gray, false, 90),
            "f1c575d7c1136fd75f187781ad1454f28a27c8aeec50febc392e1247c102f170",
        ),
        (
            ((1, 1), 70, Sampling::Gray, false, 75),
            "0e6f3c2f189c1817fe08379ed2f37a27b507476916065e0038bed4f49c34bffa",
        ),
        (
            ((1, 1), 85, Sampling::S420, true, 90),
            "f8f89e88ac3374c012b6239048e4c6d38f854da3a151f92685d5661adcc36d44",
        ),
        (
            ((1, 1), 85, Sampling::S420, true, 75),
            "f02dfd29abfdd325ea5dff9bce33cd2c0282556a563cdff87b7951dbfe42deab",
        ),
        (
            ((7, 5), 75, Sampling::S420, false, 90),
            "102f1f679b694571280b97692b78048e5064579e0c527266f56397e8f10a3ece",
        ),
        (
            ((7, 5), 75, Sampling::S420, false, 75),
            "7a8058af687bd0c9293b1b7a4f26b48772e351b73cebb9da3ff3ae25c904b8f4",
        ),
        (
            ((7, 5), 90, Sampling::S444, false, 90),
            "7156be5aeacfeb75ee9afa435e7c5c3cda8048452d695619e8d1e4c43382fac0",
        ),
        (
            ((7, 5), 90, Sampling::S444, false, 75),
            "2f6ae91a1ca8052707246438567c4f354f1540f4a9806edfbdf846e0f6f5ba48",
        ),
        (
            ((7, 5), 85, Sampling::S422, false, 90),
            "c61fc7740e8c9695b009e0388282e6365fe8b8805c8b112e884fc438a10c44c0",
        ),
        (
            ((7, 5), 85, Sampling::S422, false, 75),
            "682ef0b00dbafb3e24354db4c70405eedd9eb3e063b6bf315c29ed83f1df45df",
        ),
        (
            ((7, 5), 80, Sampling::S440, false, 90),
            "1cda312d7c2527ab342239ca6cb23907d3ee32c472634f75b72667cab95a09f7",
        ),
        (
            ((7, 5), 80, Sampling::S440, false, 75),
            "9f3f0a4fc6557f7889270e473af06a5c815c0da24d8f8636727643d48f505dbb",
        ),
        (
            ((7, 5), 70, Sampling::Gray, false, 90),
            "a9347b83041b6371caa3ac17bac5a19b01ea83c19825c5cdb4c43e2440911ede",
        ),
        (
            ((7, 5), 70, Sampling::Gray, false, 75),
            "6f5b6b8f7baec2a6adb1a573bdbec7a465dab77298fc0dd166888367b2f1eabf",
        ),
        (
            ((7, 5), 85, Sampling::S420, true, 90),
            "fd230ee5e3aac45d8e305397e51bba7707c586a463df0238b903296e7ecf4dbc",
        ),
        (
            ((7, 5), 85, Sampling::S420, true, 75),
            "d3a68516e1b3ab1519fa8bb33bfe79f62314f22c4b004f170463b6e654e5b079",
        ),
        (
            ((17, 33), 75, Sampling::S420, false, 90),
            "207b2ff5821f62e85ff5a9988f8b9389326bb0dc6580c444a3ddd6b0b1a8b3e8",
        ),
        (
            ((17, 33), 75, Sampling::S420, false, 75),
            "ebd5be6d44430b280fc39bf87e60ef0ebdfb30fee4e4dd994557f42d2bf62fdc",
        ),
        (
            ((17, 33), 90, Sampling::S444, false, 90),
            "76eb60e4b41f86ab4ab8f94a67d62d40ebacfd36cc35d65238fd63a4bb62a1c1",
        ),
        (
            ((17, 33), 90, Sampling::S444, false, 75),
            "2a38b5aec773a88f95629394ae53b0628b3875e348efcc44b34767004a14968a",
        ),
        (
            ((17, 33), 85, Sampling::S422, false, 90),
            "a5469fa4d37a8517c8e93927c4a450c52e6affef94c59799c164d2932aa271f8",
        ),
        (
            ((17, 33), 85, Sampling::S422, false, 75),
            "b495cd7a3fed87786c4207db6e2e970551870b1d239e76a58c1fbbbac876ea02",
        ),
        (
            ((17, 33), 80, Sampling::S440, false, 90),
            "5b84bae8ba6e3ee2b27fbf38531fd9b6e7aedee23492bb50ea3a3d2c80babf55",
        ),
        (
            ((17, 33), 80, Sampling::S440, false, 75),
            "84b1ffb055a1b57b5e988f095fbeeb7a7ee2664121cebd805fbd94d2fefcc5f6",
        ),
        (
            ((17, 33), 70, Sampling::Gray, false, 90),
            "f3db1157196851575ceb10a7bda7b766e20f66d0331fd54f8d466994370f6728",
        ),
        (
            ((17, 33), 70, Sampling::Gray, false, 75),
            "a3b3b3bfe01db81ca237c9cabd38fec153f2f2e3dbcca03f58b3478d9afd67bb",
        ),
        (
            ((17, 33), 85, Sampling::S420, true, 90),
            "6e855989b1a409f2e1c8f42792f453059d025074c290d5fcb5186e932a00295c",
        ),
        (
            ((17, 33), 85, Sampling::S420, true, 75),
            "00311b01bb819dcbb4c88ad1b9720fb039f97017b33cd0fd72594325b7ed20c4",
        ),
        (
            ((100, 70), 75, Sampling::S420, false, 90),
            "1ec89b86f269b50cbb45185e5ff45ed9d05f96e1a4b43b041ab616c48532dc88",
        ),
        (
            ((100, 70), 75, Sampling::S420, false, 75),
            "50ddf9c926bc319fde204b840c88f784726cf4922143b0c3fd969407bb69bf28",
        ),
        (
            ((100, 70), 90, Sampling::S444, false, 90),
            "207ef23d5235de5e503e52834a0c07a7e2815a75a83e3146564180df50da7260",
        ),
        (
            ((100, 70), 90, Sampling::S444, false, 75),
            "b5087bb050069e5db2798e424c52665d4c25721f19db755d1c6595c28b139b35",
        ),
        (
            ((100, 70), 85, Sampling::S422, false, 90),
            "2e7774118fb60617cfc178f838b96d8415e67aab81dff338439dab69001bb483",
        ),
        (
            ((100, 70), 85, Sampling::S422, false, 75),
            "8c510f72cd5431886ddbc9a814da201088319319da0fdc57d9ef3338658add06",
        ),
        (
            ((100, 70), 80, Sampling::S440, false, 90),
            "528aac87256a8d85058e24fd1c4a37fc5fa7f953fd486f6a36baa6309249704c",
        ),
        (
            ((100, 70), 80, Sampling::S440, false, 75),
            "f6c3082f5058858b5d1ff1458e92a014dc3c30d8678ddb3181d636ba46cca11d",
        ),
        (
            ((100, 70), 70, Sampling::Gray, false, 90),
            "9021b9b5cdd761e1d5dd6f82465e4d9c41a319ae4d5127b5a289a5355138e287",
        ),
        (
            ((100, 70), 70, Sampling::Gray, false, 75),
            "34e19230e1f0f7f365ba62552d11e3aa8929ab0a6012677d30719f5662dab87c",
        ),
        (
            ((100, 70), 85, Sampling::S420, true, 90),
            "b15226cb1559b270ca72503c7f2d78f2d437564aabb225433d50fe1552e09865",
        ),
        (
            ((100, 70), 85, Sampling::S420, true, 75),
            "ca7d6291388c2ef6f9eb36f1786270d1959e810b7f8d23789c704c04a36562f5",
        ),
        (
            ((301, 129), 75, Sampling::S420, false, 90),
            "5ee0f5528174b801d1c3eaabc1205d6f3dd3413aeaac3733f459992a4a642a19",
        ),
        (
            ((301, 129), 75, Sampling::S420, false, 75),
            "665d2e483fe4f2292912f0b70026afcdd4005e09985787f14ea480b5516a14fc",
        ),
        (
            ((301, 129), 90, Sampling::S444, false, 90),
            "94bc8dd9f9f6f7c60ddef6632abc7b733c315bccbfbb95a1551ed6e21a94de00",
        ),
        (
            ((301, 129), 90, Sampling::S444, false, 75),
            "ca161cef2599f240db003a5d8ff6283ad3cc1225be70d5a3300644e16e7bcb40",
        ),
        (
            ((301, 129), 85, Sampling::S422, false, 90),
            "2f9e74463c003b77a2bfdfc6e1a044e7cefdf91f853c3b2dcddda34126ec6add",
        ),
        (
            ((301, 129), 85, Sampling::S422, false, 75),
            "ed2930b5fb8338c2694d3f025898ec0eda60f8fa268b3e532bbc9b1159618281",
        ),
        (
            ((301, 129), 80, Sampling::S440, false, 90),
            "ca82b5cd683b599bda315b16c5302dcdeccfae4315176123e426deb455074e36",
        ),
        (
            ((301, 129), 80, Sampling::S440, false, 75),
            "77be3f48b4a9819228e742c775a75118029ea79f15db7b6fe37e0738eb2f7f0d",
        ),
        (
            ((301, 129), 70, Sampling::Gray, false, 90),
            "7cacd821ca4848fec3961d21467a00ccf75788774d1b13c992750322f33c268f",
        ),
        (
            ((301, 129), 70, Sampling::Gray, false, 75),
            "53eb1950522508ab4db61a88a8391f8f07896373c6c1870eefa5600a135d160a",
        ),
        (
            ((301, 129), 85, Sampling::S420, true, 90),
            "0b7f78d5a5836e440ff40cb9c47116afa0d257feea822ecf5cc3821e5e0981a7",
        ),
        (
            ((301, 129), 85, Sampling::S420, true, 75),
            "827fedf65b86bc1c9fcbf3e760fdd1714a79aed60f945e2ff8261f5575bf8ed0",
        ),
        (
            ((512, 384), 75, Sampling::S420, false, 90),
            "dccfd3a53143301cae8a923710b71de6cd55e7b18d39e6510ebb3f5c30a51ef9",
        ),
        (
            ((512, 384), 75, Sampling::S420, false, 75),
            "9e2e78bd2299df8776e3d9f60f76d9c641cd3b710f6fcc651195629fb981c8f6",
        ),
        (
            ((512, 384), 90, Sampling::S444, false, 90),
            "d8424097a25e8c6d492574faa44186c4012441f9e7d561afa2dd6f3d0287054a",
        ),
        (
            ((512, 384), 90, Sampling::S444, false, 75),
            "901fa0f1a8b581b39042eb06e3ef231fddd4e328e9440d0daa98c4d231918095",
        ),
        (
            ((512, 384), 85, Sampling::S422, false, 90),
            "a13714ac9dba2e1297882ec5da1195aa65b3a99d44eb5b9563356048a7dfb05d",
        ),
        (
            ((512, 384), 85, Sampling::S422, false, 75),
            "4cc7219562f4e06500edd27f7beb720fffa9171d959fa4969700dbf9aee4e494",
        ),
        (
            ((512, 384), 80, Sampling::S440, false, 90),
            "c1828f1f39a8e4147f9e27103ffcf749cf9867a30a99d080520d1d4367f67027",
        ),
        (
            ((512, 384), 80, Sampling::S440, false, 75),
            "0f1307b5221fffe482f63b3406d4a4b1ee50eb9b6f9aff0882b744c65eb818ca",
        ),
        (
            ((512, 384), 70, Sampling::Gray, false, 90),
            "0b41ad00fae46b7fc9ea1331fae27a4019e0b7c02844fd4654ca316fa51849b6",
        ),
        (
            ((512, 384), 70, Sampling::Gray, false, 75),
            "fa5d4ebf4cb42d57729ebae1604dc60b714ace6b34122900142ba0e5048ebcc4",
        ),
        (
            ((512, 384), 85, Sampling::S420, true, 90),
            "6976b45719627053157d595b4a45632f980b43ae65ae78e464d17ced2dab3e9d",
        ),
        (
            ((512, 384), 85, Sampling::S420, true, 75),
            "4b9042a874f22a5f966da4bd8ff2e52de682fb9cab30a7760f606785d91792f8",
        ),
    ];
    let mut failed = Vec::new();
    for (case, digest) in cases {
        let got = codec_digest(&case);
        if got != digest {
            failed.push(format!("{case:?}: {got}"));
        }
    }
    assert!(failed.is_empty(), "differ: {failed:#?}");
}

/// `jpeg::simd()` says what was built: where the build promised libjpeg-turbo's SIMD (CI sets
/// `SPINDLE_EXPECT_JPEG=simd` where it installed NASM) or its C code (`c`), it must be so;
/// elsewhere the answer is only reported. Either way the digests above pass.
#[test]
fn jpeg_simd_reports_what_was_built() {
    let simd = jpeg::simd();
    eprintln!("libjpeg-turbo SIMD: {simd}");
    match std::env::var("SPINDLE_EXPECT_JPEG").as_deref() {
        Ok("simd") => assert!(simd, "built without libjpeg-turbo's SIMD"),
        Ok("c") => assert!(!simd, "built with libjpeg-turbo's SIMD"),
        _ => {}
    }
    // The same answer on another thread (libjpeg-turbo detects the CPU per thread).
    assert_eq!(std::thread::spawn(jpeg::simd).join().ok(), Some(simd));
}
