// SPDX-License-Identifier: GPL-2.0
/*
 * A mediated serial device in the style of the kernel's mtty sample, written for this
 * project. It keeps one source for kernels 5.4 to 5.19: the vfio callbacks are guarded.
 */
#include <linux/module.h>
#include <linux/vfio.h>
#include <linux/mdev.h>
#include "compat.h"

struct mdev_state {
	struct vfio_device vdev;
	u8 *vconfig;
	u32 bar_mask;
	struct mutex ops_lock;
	int nr_ports;
};

static struct mdev_state *to_state(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdev_state, vdev);
}

#if MTTY_HAVE_OPEN_DEVICE
static int mtty_open_device(struct vfio_device *vdev)
{
	struct mdev_state *state = to_state(vdev);

	state->nr_ports = 1;
	return 0;
}

static void mtty_close_device(struct vfio_device *vdev)
{
	struct mdev_state *state = to_state(vdev);

	state->nr_ports = 0;
}
#elif MTTY_OPS_TAKE_VFIO_DEVICE
static int mtty_open(struct vfio_device *vdev)
{
	return 0;
}

static void mtty_release(struct vfio_device *vdev)
{
}
#else
static int mtty_open(void *device_data)
{
	return 0;
}

static void mtty_release(void *device_data)
{
}
#endif

#if MTTY_OPS_TAKE_VFIO_DEVICE
static ssize_t mtty_read(struct vfio_device *vdev, char __user *buf,
			 size_t count, loff_t *ppos)
{
	struct mdev_state *state = to_state(vdev);

	if (!state->vdev.ops)
		return -ENODEV;
	return count;
}
#else
static ssize_t mtty_read(void *device_data, char __user *buf,
			 size_t count, loff_t *ppos)
{
	return count;
}
#endif

static const struct vfio_device_ops mtty_dev_ops = {
	.name = "vfio-mtty",
#if MTTY_HAVE_OPEN_DEVICE
	.open_device = mtty_open_device,
	.close_device = mtty_close_device,
#else
	.open = mtty_open,
	.release = mtty_release,
#endif
	.read = mtty_read,
};

MODULE_LICENSE("GPL v2");
