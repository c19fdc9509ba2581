// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal network driver, written for this project. ndo_tx_timeout gained a queue
 * index parameter in 5.6; this driver still has the old signature.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>

struct netdev_priv {
	struct net_device *ndev;
	unsigned long tx_timeouts;
};

static netdev_tx_t netdev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static void netdev_tx_timeout(struct net_device *dev)
{
	struct netdev_priv *priv = netdev_priv(dev);

	priv->tx_timeouts++;
	dev->trans_start = jiffies;
}

static const struct net_device_ops netdev_ops = {
	.ndo_start_xmit = netdev_xmit,
	.ndo_tx_timeout = netdev_tx_timeout,
};

static void netdev_setup(struct net_device *dev)
{
	dev->netdev_ops = &netdev_ops;
	dev->max_mtu = 9000;
}

MODULE_LICENSE("GPL");
