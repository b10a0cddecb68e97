// Clang thread-safety annotations (LevelDB's port/thread_annotations.h): they document which mutex
// guards what, and clang's -Wthread-safety checks them. Under g++ they expand to nothing, so they
// are documentation that a clang build can verify.
// Thread-safety: macros only.
#pragma once

#if defined(__clang__)
#define PARAPET_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PARAPET_THREAD_ANNOTATION(x)
#endif

#ifndef CAPABILITY
#define CAPABILITY(x) PARAPET_THREAD_ANNOTATION(capability(x))
#endif
#ifndef SCOPED_CAPABILITY
#define SCOPED_CAPABILITY PARAPET_THREAD_ANNOTATION(scoped_lockable)
#endif
#ifndef GUARDED_BY
#define GUARDED_BY(x) PARAPET_THREAD_ANNOTATION(guarded_by(x))
#endif
#ifndef PT_GUARDED_BY
#define PT_GUARDED_BY(x) PARAPET_THREAD_ANNOTATION(pt_guarded_by(x))
#endif
#ifndef EXCLUSIVE_LOCKS_REQUIRED
#define EXCLUSIVE_LOCKS_REQUIRED(...) \
  PARAPET_THREAD_ANNOTATION(exclusive_locks_required(__VA_ARGS__))
#endif
#ifndef LOCKS_EXCLUDED
#define LOCKS_EXCLUDED(...) PARAPET_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#endif
#ifndef ACQUIRE
#define ACQUIRE(...) PARAPET_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#endif
#ifndef RELEASE
#define RELEASE(...) PARAPET_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#endif
