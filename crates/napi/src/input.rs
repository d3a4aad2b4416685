//! Typed-array arguments that a pool thread reads while JavaScript runs on.
//!
//! An `ArrayBuffer` can be transferred or detached while a job runs, and its memory freed with
//! it, so a pool thread must not read the caller's copy: such inputs are copied on the
//! JavaScript thread before the job starts. A `SharedArrayBuffer` can be neither transferred
//! nor detached (and never shrinks), so an input living in one is read in place, without that
//! copy: the job holds a reference to the view, which keeps the memory alive until it ends.
//!
//! JavaScript may still write into shared memory meanwhile: the caller owns that race, as with
//! any shared memory, and gets the digest or product of whatever bytes were read. So `Input`
//! serves only kernels whose control flow and indexing never depend on the values (`sha256`,
//! `matmul`); a kernel that reads a value twice and trusts both reads to agree (the radix sort
//! counts, then scatters) or parses its input (`ela`) takes a private copy.

use std::ops::Deref;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValueType};
use napi::{check_status, sys, Result};
use spindle_core::spare::{Pooled, Spare};

use crate::errors::invalid_arg;

/// A typed-array argument, borrowed when shared, copied otherwise; derefs to its elements.
pub(crate) struct Input<A, T: Pooled>(Held<A, T>);

enum Held<A, T: Pooled> {
    /// A view of a `SharedArrayBuffer`, kept alive by napi-rs's reference to it.
    Shared(A),
    /// A private copy of a view of an `ArrayBuffer`, in a spare buffer when one fits.
    Copied(Spare<T>),
}

impl<A: Deref<Target = [T]>, T: Pooled> Deref for Input<A, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.0 {
            Held::Shared(array) => array,
            Held::Copied(copy) => copy,
        }
    }
}

impl<A, T> TypeName for Input<A, T>
where
    A: TypeName,
    T: Pooled,
{
    fn type_name() -> &'static str {
        A::type_name()
    }

    fn value_type() -> ValueType {
        A::value_type()
    }
}

impl<A, T> FromNapiValue for Input<A, T>
where
    A: FromNapiValue + Deref<Target = [T]>,
    T: Pooled,
{
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(match unsafe { View::<A>::from_napi_value(env, value) }? {
            View::Shared(array) => Input(Held::Shared(array)),
            View::Unshared(array) => Input(Held::Copied(T::spares().copy_of(&array))),
        })
    }
}

/// A typed-array argument not yet copied, for a binding that copies it its own way (`sha256`
/// streams the copy to a running job). An `Unshared` view must not leave the JavaScript thread:
/// once the call returns, JavaScript may detach its buffer.
pub(crate) enum View<A> {
    /// A view of a `SharedArrayBuffer`: safe to read from any thread while held.
    Shared(A),
    /// A view of an `ArrayBuffer`: read it on this thread, during this call, only.
    Unshared(A),
}

impl<A> View<A> {
    /// The typed array, shared or not, for a binding that copies it on the JavaScript thread
    /// anyway and only wants the detached-buffer check.
    pub(crate) fn array(&self) -> &A {
        match self {
            View::Shared(array) | View::Unshared(array) => array,
        }
    }
}

impl<A: TypeName> TypeName for View<A> {
    fn type_name() -> &'static str {
        A::type_name()
    }

    fn value_type() -> ValueType {
        A::value_type()
    }
}

impl<A: FromNapiValue> FromNapiValue for View<A> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // Checks that `value` is a typed array of the right element type.
        let array = unsafe { A::from_napi_value(env, value) }?;
        Ok(if unsafe { in_shared_memory(env, value) }? {
            View::Shared(array)
        } else {
            View::Unshared(array)
        })
    }
}

/// Whether the typed array `value` is a view of a `SharedArrayBuffer`: V8 answers "is an
/// ArrayBuffer" only for the unshared kind, and a typed array's buffer is one or the other.
/// A view of a detached `ArrayBuffer` is an error.
unsafe fn in_shared_memory(env: sys::napi_env, value: sys::napi_value) -> Result<bool> {
    let mut kind = 0;
    let mut length = 0;
    let mut data = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut offset = 0;
    check_status!(
        unsafe {
            sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                &mut length,
                &mut data,
                &mut buffer,
                &mut offset,
            )
        },
        "could not read the typed array's buffer"
    )?;
    let mut unshared = false;
    check_status!(
        unsafe { sys::napi_is_arraybuffer(env, buffer, &mut unshared) },
        "could not inspect the typed array's buffer"
    )?;
    if unshared {
        // A detached buffer reads as empty: refuse it rather than hash or sort "nothing". (The
        // TypeScript layer refuses it first, with a Node-style error; this is the second line.)
        let mut detached = false;
        check_status!(
            unsafe { sys::napi_is_detached_arraybuffer(env, buffer, &mut detached) },
            "could not inspect the typed array's buffer"
        )?;
        if detached {
            return Err(invalid_arg("the typed array's buffer is detached"));
        }
    }
    Ok(!unshared)
}
