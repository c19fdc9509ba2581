/* SPDX-License-Identifier: GPL-2.0 */
/* Version switches for the mtty example, in the style DKMS drivers keep them. */
#ifndef MTTY_COMPAT_H
#define MTTY_COMPAT_H

#include <linux/version.h>

/* vfio_device_ops: open/release took the device from 5.13, became open_device/close_device in 5.15. */
#define MTTY_HAVE_OPEN_DEVICE (LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0))
#define MTTY_OPS_TAKE_VFIO_DEVICE (LINUX_VERSION_CODE >= KERNEL_VERSION(5, 13, 0))

#endif
