/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public interface of the connection: getconfig, the TUN device and
 * its script, settings of the tunnel, and what the application may read.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpst.h"
#include "hip.h"
#include "openconnect-priv.h"
#include "openconnect-internal.h"
#include "script.h"

extern char **environ;

int openconnect_make_cstp_connection(struct openconnect_info *v)
{
	int ret;

	if (!oc_secret_isset(&v->auth.cookie)) {
		oc_err(&v->log, "No cookie: log in first");
		return -EINVAL;
	}
	ret = gp_getconfig(v);
	if (!ret)
		gp_hip(v);
	return ret;
}

int openconnect_setup_dtls(struct openconnect_info *v, int attempt_period)
{
	v->cfg.no_esp = 0;
	return 0;
}

int openconnect_disable_dtls(struct openconnect_info *v)
{
	v->cfg.no_esp = 1;
	return 0;
}

static void script_facts(struct openconnect_info *v,
			 struct oc_script_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->gateway = v->tls.peer_ip[0] ? v->tls.peer_ip : NULL;
	f->tundev = v->run.tun.ifname[0] ? v->run.tun.ifname : NULL;
	f->log_level = v->log.level;
	f->idle_timeout = v->cfg.gpx.disconnect_on_idle;
}

/* Runs the vpnc-script, when there is one, for @reason. */
int oc_run_script(struct openconnect_info *v, enum oc_script_reason reason)
{
	struct oc_script_facts f;

	if (!v->run.script)
		return 0;
	script_facts(v, &f);
	return oc_script_call(&v->log, v->run.script, reason, &v->cfg.ip, &f,
			      OC_SCRIPT_TIMEOUT_MS);
}

static int set_script(struct openconnect_info *v, const char *script)
{
	char *copy = script ? strdup(script) : NULL;

	if (script && !copy)
		return -ENOMEM;
	free(v->run.script);
	v->run.script = copy;
	return 0;
}

static void tun_ready(struct openconnect_info *v)
{
	if (v->run.tun.ifname[0])
		oc_info(&v->log, "TUN device %s is up", v->run.tun.ifname);
	if (v->run.setup_tun_fn)
		v->run.setup_tun_fn(v->cbdata);
}

int openconnect_setup_tun_device(struct openconnect_info *v,
				 const char *vpnc_script, const char *ifname)
{
	int ret = set_script(v, vpnc_script);

	if (!ret)
		ret = oc_run_script(v, OC_SCRIPT_PRE_INIT);
	if (ret)
		return ret;
	ret = oc_tun_open(&v->log, ifname, &v->run.tun);
	if (ret)
		return ret;
	ret = oc_run_script(v, OC_SCRIPT_CONNECT);
	if (ret) {
		oc_err(&v->log, "The vpnc-script failed to set up %s",
		       v->run.tun.ifname);
		oc_tun_close(&v->log, &v->run.tun, 0);
		return ret;
	}
	tun_ready(v);
	return 0;
}

int openconnect_setup_tun_script(struct openconnect_info *v,
				 const char *tun_script)
{
	struct oc_script_facts f;
	char **envp = NULL;
	int ret;

	script_facts(v, &f);
	ret = oc_script_env(OC_SCRIPT_CONNECT, &v->cfg.ip, &f, environ, &envp);
	if (!ret)
		ret = oc_tun_open_script(&v->log, tun_script, envp,
					 &v->run.tun);
	oc_script_env_free(envp);
	if (!ret)
		tun_ready(v);
	return ret;
}

int openconnect_setup_tun_fd(struct openconnect_info *v, int tun_fd)
{
	int flags = fcntl(tun_fd, F_GETFL);

	if (flags < 0 || fcntl(tun_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	v->run.tun.fd = tun_fd;
	tun_ready(v);
	return 0;
}

const char *openconnect_get_ifname(struct openconnect_info *v)
{
	return v->run.tun.ifname[0] ? v->run.tun.ifname : NULL;
}

int openconnect_setup_cmd_pipe(struct openconnect_info *v)
{
	int fds[2];

	if (v->run.cmd_wr >= 0)
		return v->run.cmd_wr;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return -EIO;
	v->run.cmd_rd = fds[0];
	v->run.cmd_wr = fds[1];
	return fds[1];
}

int openconnect_get_ip_info(struct openconnect_info *v,
			    const struct oc_ip_info **info,
			    const struct oc_vpn_option **cstp_options,
			    const struct oc_vpn_option **dtls_options)
{
	int ret = 0;

	if (info) {
		ret = oc_ipconf_fill_info(&v->cfg.ip, &v->ip_info);
		*info = ret ? NULL : &v->ip_info;
	}
	if (cstp_options)
		*cstp_options = NULL;
	if (dtls_options)
		*dtls_options = NULL;
	return ret;
}

void openconnect_set_stats_handler(struct openconnect_info *v,
				   openconnect_stats_vfn handler)
{
	v->run.stats_fn = handler;
}

void openconnect_set_reconnected_handler(struct openconnect_info *v,
					 openconnect_reconnected_vfn handler)
{
	v->run.reconnected_fn = handler;
}

void openconnect_set_setup_tun_handler(struct openconnect_info *v,
				       openconnect_setup_tun_vfn handler)
{
	v->run.setup_tun_fn = handler;
}

void openconnect_set_dpd(struct openconnect_info *v, int min_seconds)
{
	v->cfg.dpd_s = min_seconds > 0 ? min_seconds : 0;
}

void openconnect_set_reqmtu(struct openconnect_info *v, int reqmtu)
{
	v->cfg.reqmtu = reqmtu > 0 ? reqmtu : 0;
}

int openconnect_get_idle_timeout(struct openconnect_info *v)
{
	return v->cfg.gpx.disconnect_on_idle;
}

const char *openconnect_get_dtls_cipher(struct openconnect_info *v)
{
	return oc_tunsm_data_on_esp(&v->run.sm) ? v->run.dtls_cipher : NULL;
}

const char *openconnect_get_cstp_cipher(struct openconnect_info *v)
{
	return oc_tls_cipher_name(v->run.https.tls);
}

void oc_run_init(struct oc_run *r)
{
	memset(r, 0, sizeof(*r));
	oc_tun_init(&r->tun);
	oc_https_init(&r->https);
	oc_esp_link_init(&r->esp);
	oc_tunsm_init(&r->sm, NULL);
	r->queue_len = 32;
	r->holdoff_ms = 5000;
	r->cmd_rd = r->cmd_wr = -1;
}

void oc_run_free(struct oc_run *r)
{
	oc_https_close(&r->https);
	oc_buf_free(&r->https.rx);
	oc_buf_free(&r->https.tx);
	oc_esp_link_close(&r->esp);
	oc_tun_close(NULL, &r->tun, 1000);
	oc_pktq_free(&r->to_net);
	oc_pktq_free(&r->to_tun);
	oc_pktpool_free(&r->pool);
	free(r->script);
	if (r->cmd_rd >= 0)
		close(r->cmd_rd);
	if (r->cmd_wr >= 0)
		close(r->cmd_wr);
}

void openconnect_set_queue_len(struct openconnect_info *v, int len)
{
	v->run.queue_len = len > 0 ? len : 1;
}

void openconnect_set_esp_holdoff(struct openconnect_info *v, int ms)
{
	v->run.holdoff_ms = ms >= 0 ? ms : 0;
}

void openconnect_set_base_mtu(struct openconnect_info *v, int mtu)
{
	v->cfg.basemtu = mtu > 0 ? mtu : 0;
}

void openconnect_set_esp_local_port(struct openconnect_info *v, int port)
{
	v->cfg.esp_local_port = port > 0 && port < 65536 ? port : 0;
}
