// The kernel's integer typedefs (and a few struct typedefs passed by value), as gcc sees them:
// what `u8`, `size_t` or `__le32` name. They are the same on every kernel of the data (kernel
// code uses the long-long 64-bit types on every architecture); only the size types differ on
// 32-bit architectures. Sparse's
// `__bitwise` means nothing to gcc, so `__le32` is plain `unsigned int` there. A callback whose
// `int count` meets a `size_t count` is then a real mismatch, one whose `u32` meets an
// `unsigned int` is not.

const FIXED: Record<string, string> = {
  u8: 'unsigned char', s8: 'signed char', u16: 'unsigned short', s16: 'short', u32: 'unsigned int', s32: 'int', u64: 'unsigned long long', s64: 'long long',
  __u8: 'unsigned char', __s8: 'signed char', __u16: 'unsigned short', __s16: 'short', __u32: 'unsigned int', __s32: 'int', __u64: 'unsigned long long', __s64: 'long long',
  uint8_t: 'unsigned char', int8_t: 'signed char', uint16_t: 'unsigned short', int16_t: 'short', uint32_t: 'unsigned int', int32_t: 'int', uint64_t: 'unsigned long long', int64_t: 'long long',
  u_int8_t: 'unsigned char', u_int16_t: 'unsigned short', u_int32_t: 'unsigned int', u_int64_t: 'unsigned long long',
  __le16: 'unsigned short', __be16: 'unsigned short', __le32: 'unsigned int', __be32: 'unsigned int', __le64: 'unsigned long long', __be64: 'unsigned long long',
  __sum16: 'unsigned short', __wsum: 'unsigned int',
  uchar: 'unsigned char', u_char: 'unsigned char', ushort: 'unsigned short', u_short: 'unsigned short', uint: 'unsigned int', u_int: 'unsigned int', ulong: 'unsigned long', u_long: 'unsigned long',
  bool: '_Bool',
  loff_t: 'long long', __kernel_loff_t: 'long long', ktime_t: 'long long', time64_t: 'long long', sector_t: 'unsigned long long', blkcnt_t: 'unsigned long long',
  uintptr_t: 'unsigned long', pgoff_t: 'unsigned long', irq_hw_number_t: 'unsigned long',
  gfp_t: 'unsigned int', fmode_t: 'unsigned int', vm_fault_t: 'unsigned int', umode_t: 'unsigned short', dev_t: 'unsigned int', pid_t: 'int', blk_status_t: 'unsigned char',
};

/**
 * Typedefs of structs passed by value, the same struct on every kernel and architecture that has
 * them: a callback whose `char __user *optval` meets `.setsockopt`'s `sockptr_t optval` (5.9)
 * does not fit, and gcc refuses it. Each stands for a struct of its own name, which no other
 * type shares.
 */
const STRUCTS: Record<string, string> = {
  sockptr_t: 'struct sockptr_t', kuid_t: 'struct kuid_t', kgid_t: 'struct kgid_t', atomic_t: 'struct atomic_t', atomic64_t: 'struct atomic64_t',
  refcount_t: 'struct refcount_t', uuid_t: 'struct uuid_t', guid_t: 'struct guid_t',
};

const SIZES_64: Record<string, string> = { size_t: 'unsigned long', ssize_t: 'long', __kernel_size_t: 'unsigned long', __kernel_ssize_t: 'long', ptrdiff_t: 'long' };
const SIZES_32: Record<string, string> = { size_t: 'unsigned int', ssize_t: 'int', __kernel_size_t: 'unsigned int', __kernel_ssize_t: 'int', ptrdiff_t: 'int' };
const ARCHES_32 = new Set(['armhf', 'i386', 'armel']);

/** The integer type (or by-value struct, see STRUCTS) a typedef names on the architecture (`amd64`, `armhf`, ...), or undefined. */
export type IntegerTypedefs = (name: string) => string | undefined;

export function integerTypedefs(arch: string): IntegerTypedefs {
  const sizes = ARCHES_32.has(arch) ? SIZES_32 : SIZES_64;
  return (name) => [FIXED, STRUCTS, sizes].find((table) => Object.prototype.hasOwnProperty.call(table, name))?.[name];
}
