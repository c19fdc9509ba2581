// SPDX-License-Identifier: GPL-2.0
/*
 * The same device as mtty.c, as it was first written for 5.4: no guards. It builds on
 * 5.4 to 5.11 and breaks on every later kernel. Kernel Compat says where and why.
 */
#include <linux/module.h>
#include <linux/vfio.h>

static int mtty_open(void *device_data)
{
	return 0;
}

static void mtty_release(void *device_data)
{
}

static long mtty_ioctl(void *device_data, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct vfio_device_ops mtty_dev_ops = {
	.name = "vfio-mtty",
	.open = mtty_open,
	.release = mtty_release,
	.ioctl = mtty_ioctl,
};

MODULE_LICENSE("GPL v2");
