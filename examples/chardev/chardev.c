// SPDX-License-Identifier: GPL-2.0
/*
 * A character device with a /proc entry, written for this project. /proc handlers moved
 * from struct file_operations to struct proc_ops in 5.6; the guard keeps both worlds.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/proc_fs.h>
#include <linux/timer.h>
#include <linux/version.h>

static struct timer_list poll_timer;

static ssize_t chardev_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	return 0;
}

static long chardev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations chardev_fops = {
	.owner = THIS_MODULE,
	.read = chardev_read,
	.unlocked_ioctl = chardev_ioctl,
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 6, 0)
static const struct proc_ops chardev_proc_ops = {
	.proc_read = chardev_read,
};
#else
static const struct file_operations chardev_proc_ops = {
	.owner = THIS_MODULE,
	.read = chardev_read,
};
#endif

static void chardev_poll(unsigned long data)
{
}

static int __init chardev_init(void)
{
	/* Written before 4.15: timer_list lost .data (and .function took the timer itself). */
	poll_timer.data = 0;
	proc_create("chardev", 0444, NULL, &chardev_proc_ops);
	return 0;
}

module_init(chardev_init);
MODULE_LICENSE("GPL");
