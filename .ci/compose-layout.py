"""Checks the layout docker-compose.yml must keep for `docker compose up --scale ledger-api=N`
(docs/deployment.md#docker-compose), on the configuration Compose resolved (`config`, read on
stdin, so anchors and merges are already applied). Run by .ci/validate-compose. Prints each
problem and exits 1 when there is one."""

import os
import sys

import yaml

PROXY_CONFIG = 'deploy/compose/nginx.conf'
SECRETS_VOLUME = 'ledger-secrets'


def environment(service):
    env = service.get('environment') or {}
    if isinstance(env, list):
        env = dict(item.split('=', 1) if '=' in item else (item, None) for item in env)
    return {key: (None if value is None else str(value)) for key, value in env.items()}


def published_ports(service):
    """Host ports a service publishes, from the short ("3000:80") or the long syntax."""
    ports = []
    for port in service.get('ports') or []:
        if isinstance(port, dict):
            if port.get('published') not in (None, ''):
                ports.append(str(port['published']))
        else:
            parts = str(port).split(':')
            if len(parts) > 1:
                ports.append(parts[-2])
    return ports


def volume_sources(service):
    sources = []
    for volume in service.get('volumes') or []:
        sources.append(volume.get('source') if isinstance(volume, dict) else str(volume).split(':')[0])
    return sources


def main():
    services = (yaml.safe_load(sys.stdin) or {}).get('services') or {}
    problems = []

    def need(condition, message):
        if not condition:
            problems.append(message)

    need('ledger' not in services, 'the single `ledger` service is replaced by ledger-api and ledger-projector')
    for name, role in (('ledger-api', 'api'), ('ledger-projector', 'projector')):
        service = services.get(name)
        if service is None:
            problems.append(f'no `{name}` service')
            continue
        env = environment(service)
        # A fixed host port or container name makes the second replica fail to start.
        need(not published_ports(service), f'{name} publishes a host port: replicas would collide (only the proxy publishes one)')
        need('container_name' not in service, f'{name} has a container_name: replicas would collide')
        need(env.get('LEDGER_ROLE') == role, f'{name} does not set LEDGER_ROLE={role}')
        need('healthcheck' in service, f'{name} has no healthcheck')
        # Every instance reads the same secrets, and none may generate its own.
        need(SECRETS_VOLUME in volume_sources(service), f'{name} does not mount the volume {SECRETS_VOLUME}')
        need(env.get('LEDGER_SIGNING_KEY') and env.get('LEDGER_API_KEYS_FILE'), f'{name} does not read the shared signing and API keys')
        need(env.get('NODE_ENV') in (None, 'production'), f'{name} sets NODE_ENV={env.get("NODE_ENV")}: it could generate secrets of its own')
        need(
            'ledger-secrets' in (service.get('depends_on') or {}),
            f'{name} does not wait for ledger-secrets',
        )
        need(env.get('EVENTSTORE_CONNECTION_STRING') and env.get('MONGODB_URL'), f'{name} is not on EventStoreDB and MongoDB')

    proxy = services.get('proxy')
    if proxy is None:
        problems.append('no `proxy` service')
    else:
        need('healthcheck' in proxy, 'proxy has no healthcheck')
        need(PROXY_CONFIG in ' '.join(str(source) for source in volume_sources(proxy)), f'proxy does not mount {PROXY_CONFIG}')
    publishers = sorted(name for name, service in services.items() if '3000' in published_ports(service))
    need(publishers == ['proxy'], f'port 3000 must be published by the proxy alone, not by {publishers}')

    with open(PROXY_CONFIG, encoding='utf-8') as config:
        text = config.read()
    # Without `resolve` nginx looks the name up once at start and never sees new replicas.
    need('server ledger-api:3000 resolve' in text, f'{PROXY_CONFIG} does not re-resolve ledger-api (server ledger-api:3000 resolve)')
    need('resolver 127.0.0.11' in text, f"{PROXY_CONFIG} does not ask Docker's DNS (resolver 127.0.0.11)")

    for problem in problems:
        print(f'docker-compose.yml: {problem}')
    if problems:
        sys.exit(1)
    print('docker-compose.yml: scalable layout ok (ledger-api, ledger-projector, proxy, shared secrets)')


if __name__ == '__main__':
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    main()
