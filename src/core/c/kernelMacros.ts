// What the usage finder knows about kernel macros and annotations: helpers that return a
// known struct, macros that name a member of a type (container_of, list_entry, offsetof-like),
// list cursors, and the annotation and type words that are not declarators.
import type { UsageKind } from './usages';

/** Macros shaped `(pointer, TYPE, member)` or `(TYPE, member)`: they name a member of TYPE. */
export interface TypeMemberMacro {
  typeArgument: number;
  kind: UsageKind;
  /** Whether the macro's value is a pointer to TYPE (container_of) rather than a number. */
  yieldsPointer: boolean;
}

/**
 * Kernel helpers that return a pointer to one struct on every supported kernel, so that
 * `to_pci_dev(dev)->vendor` or `skb_shinfo(skb)->nr_frags` are checked like a typed variable.
 * A function, prototype or variable of the same name in the file wins over this list.
 */
export const KERNEL_HELPER_RETURNS = new Map<string, string>([
  ['get_current', 'task_struct'],
  ['to_pci_dev', 'pci_dev'],
  ['to_platform_device', 'platform_device'],
  ['to_usb_device', 'usb_device'],
  ['to_usb_interface', 'usb_interface'],
  ['interface_to_usbdev', 'usb_device'],
  ['to_i2c_client', 'i2c_client'],
  ['to_spi_device', 'spi_device'],
  ['kobj_to_dev', 'device'],
  ['file_inode', 'inode'],
  ['d_inode', 'inode'],
  ['file_dentry', 'dentry'],
  ['skb_shinfo', 'skb_shared_info'],
  ['ip_hdr', 'iphdr'],
  ['ipv6_hdr', 'ipv6hdr'],
  ['tcp_hdr', 'tcphdr'],
  ['udp_hdr', 'udphdr'],
  ['eth_hdr', 'ethhdr'],
  ['inet_sk', 'inet_sock'],
  ['tcp_sk', 'tcp_sock'],
  ['sock_net', 'net'],
  ['dev_net', 'net'],
  ['to_delayed_work', 'delayed_work'],
]);

export const TYPE_MEMBER_MACROS = new Map<string, TypeMemberMacro>([
  ...[
    'container_of',
    'container_of_const',
    'container_of_safe',
    'list_entry',
    'list_first_entry',
    'list_last_entry',
    'list_first_entry_or_null',
    'list_last_entry_or_null',
    'list_entry_rcu',
    'list_first_or_null_rcu',
    'hlist_entry',
    'hlist_entry_safe',
    'rb_entry',
    'rb_entry_safe',
    'llist_entry',
  ].map((name): [string, TypeMemberMacro] => [name, { typeArgument: 1, kind: 'container_of', yieldsPointer: true }]),
  ...['offsetofend', 'sizeof_field', 'typeof_member', 'FIELD_SIZEOF'].map(
    (name): [string, TypeMemberMacro] => [name, { typeArgument: 0, kind: 'offsetof', yieldsPointer: false }],
  ),
]);

/**
 * Macros shaped `(pos, ..., member)` where `member` belongs to the struct `pos` points to;
 * the value is the argument index of `member`. They expand to container_of on pos's type.
 */
export const CURSOR_MEMBER_MACROS = new Map<string, number>([
  ['list_next_entry', 1],
  ['list_prev_entry', 1],
  ['list_for_each_entry', 2],
  ['list_for_each_entry_reverse', 2],
  ['list_for_each_entry_continue', 2],
  ['list_for_each_entry_continue_reverse', 2],
  ['list_for_each_entry_from', 2],
  ['list_for_each_entry_from_reverse', 2],
  ['list_for_each_entry_rcu', 2],
  ['hlist_for_each_entry', 2],
  ['hlist_for_each_entry_rcu', 2],
  ['list_for_each_entry_safe', 3],
  ['list_for_each_entry_safe_reverse', 3],
  ['list_for_each_entry_safe_continue', 3],
  ['list_for_each_entry_safe_from', 3],
  ['hlist_for_each_entry_safe', 3],
]);

/** The cursor macros whose value is the next element (typed like pos), not a loop. */
export const CURSOR_MACROS_YIELDING_POS = new Set(['list_next_entry', 'list_prev_entry']);

export const MACRO_CALL_PATTERN = new RegExp(`\\b(${[...TYPE_MEMBER_MACROS.keys(), ...CURSOR_MEMBER_MACROS.keys()].join('|')})\\s*\\(`, 'g');

/** Sparse address-space annotations: part of a type, so kept in signature text. */
export const ADDRESS_SPACE_ANNOTATIONS = new Set(['__user', '__iomem', '__rcu', '__percpu', '__force', '__kernel', '__private']);

export const TYPE_QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '_Atomic']);

/** Attributes written after a parameter name; they say nothing about its type. */
export const NAME_ATTRIBUTE_PATTERN = /\b__(?:maybe|always)_unused\b|\b__unused\b/g;

/** Kernel annotation macros without the usual leading underscores. */
export const PLAIN_ANNOTATIONS = new Set(['notrace', 'noinline', 'noinstr', 'asmlinkage', 'visible']);

/** Words that build C's own arithmetic types. */
export const C_TYPE_KEYWORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool', '_Complex']);

/**
 * Type names that are certainly not aggregates. A local variable of such a type can never be
 * the left side of `.` or `->`, so its declaration need not be read at all.
 */
export const SCALAR_TYPE_WORDS = new Set([
  ...C_TYPE_KEYWORDS,
  'enum',
  ...['size_t', 'ssize_t', 'ptrdiff_t', 'intptr_t', 'uintptr_t', 'loff_t', 'off_t'],
  ...['int8_t', 'int16_t', 'int32_t', 'int64_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t'],
  ...['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', '__u8', '__u16', '__u32', '__u64', '__s8', '__s16', '__s32', '__s64'],
  ...['__le16', '__le32', '__le64', '__be16', '__be32', '__be64', '__wsum', '__sum16', '__poll_t'],
  ...['dma_addr_t', 'phys_addr_t', 'resource_size_t', 'gfp_t', 'slab_flags_t', 'fmode_t', 'vm_fault_t'],
  ...['pid_t', 'uid_t', 'gid_t', 'umode_t', 'dev_t', 'sector_t', 'blkcnt_t', 'irqreturn_t', 'netdev_tx_t'],
  ...['ktime_t', 'time64_t', 'uint', 'ulong', 'ushort', 'uchar'],
]);

/** Words that may precede the type in a declaration. */
export const DECLARATION_PREFIX_WORDS = new Set(['static', 'extern', 'register', 'auto', 'const', 'volatile', 'inline', '__inline', '__inline__']);

/**
 * The node kinds the C-side walk collects. ERROR must not be mixed in: web-tree-sitter's
 * descendantsOfType assumes its symbol list is sorted and puts ERROR (65535) first, which
 * silently drops most matches.
 */
export const COLLECTED_NODE_TYPES = [
  'declaration',
  'function_definition',
  'type_definition',
  'compound_statement',
  'for_statement',
  'field_expression',
  'offsetof_expression',
  'compound_literal_expression',
];

/**
 * A name in capitals, digits and underscores, with a letter: a macro or constant by kernel
 * convention (`FLOW_KEYS_HASH_START_FIELD`, `FBINFO_FLAG_DEFAULT`), not a member or a function.
 */
export function isMacroStyleName(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*[A-Z][A-Z0-9_]*$/.test(name);
}
