"""Checks deploy/kubernetes/kustomization.yaml, whose kind has no Kubernetes schema: it parses,
names its kind, and lists exactly the manifests of its folder, so `kubectl apply -k` applies
every file that .ci/validate-kubernetes validated and no missing one. Run by that script with
the argument of the folder; exits 1 and prints the problems otherwise."""

import os
import sys

import yaml


def main(folder):
    with open(os.path.join(folder, 'kustomization.yaml'), encoding='utf-8') as file:
        kustomization = yaml.safe_load(file) or {}
    problems = []
    if kustomization.get('apiVersion') != 'kustomize.config.k8s.io/v1beta1' or kustomization.get('kind') != 'Kustomization':
        problems.append('is not a kustomize.config.k8s.io/v1beta1 Kustomization')
    listed = kustomization.get('resources') or []
    present = sorted(name for name in os.listdir(folder) if name.endswith('.yaml') and name != 'kustomization.yaml')
    for name in sorted(set(listed) - set(present)):
        problems.append(f'lists {name}, which is not in {folder}')
    for name in sorted(set(present) - set(listed)):
        problems.append(f'does not list {name}')
    if len(listed) != len(set(listed)):
        problems.append('lists a resource twice')
    for problem in problems:
        print(f'{folder}/kustomization.yaml: {problem}')
    if problems:
        sys.exit(1)
    print(f'{folder}/kustomization.yaml: lists the {len(present)} manifests of the folder')


if __name__ == '__main__':
    main(sys.argv[1])
