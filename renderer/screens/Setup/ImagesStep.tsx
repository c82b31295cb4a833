/** Setup's air-gap step: the private registry, and the images Velero needs in it. */
import { Badge, Button, Card, Checkbox, Code, Group, PasswordInput, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconRefresh, IconUpload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { Environment, SetupImage, SetupWizard } from '../../../electron/api/contract.js';
import { CA_BROWSE, PathInput } from '../../components/PathInput.js';

const IMAGE_TONE: Record<SetupImage['state'], string> = {
  unknown: 'gray',
  checking: 'blue',
  present: 'teal',
  pushed: 'teal',
  missing: 'orange',
  pushing: 'blue',
  error: 'red',
};

type RegistryInput = { host: string; namespace?: string; useKotsCredentials?: boolean; username?: string; password?: string; caPath?: string };
type KotsRegistry = NonNullable<Environment['kots']['registry']>;

/** The registry form's fields: the wizard's, else what detection found in KOTS (adopted until edited). */
function useRegistryForm(w: SetupWizard, kots: KotsRegistry | undefined) {
  const [host, setHost] = useState(w.registry?.host ?? kots?.host ?? '');
  const [ns, setNs] = useState(w.registry?.namespace ?? kots?.namespace ?? '');
  const [useKots, setUseKots] = useState(w.registry ? w.registry.credentials === 'kots' : !!kots?.hasCredentials);
  // Detection reads KOTS's registry and its credentials Secret a moment after the step may open:
  // adopt what it finds later, unless the operator has already typed or chosen.
  const touched = useRef({ host: false, ns: false, creds: false });
  useEffect(() => {
    if (w.registry || !kots) return;
    if (!touched.current.host && kots.host) setHost(kots.host);
    if (!touched.current.ns && kots.namespace) setNs(kots.namespace);
    if (!touched.current.creds && kots.hasCredentials) setUseKots(true);
  }, [w.registry, kots]);
  const [user, setUser] = useState(w.registry?.credentials === 'entered' ? (w.registry.username ?? '') : '');
  const [pass, setPass] = useState('');
  const [ca, setCa] = useState(w.registry?.caPath ?? '');
  return { host, setHost, ns, setNs, useKots, setUseKots, touched, user, setUser, pass, setPass, ca, setCa };
}

function RegistryIntro({ kots }: { kots: KotsRegistry | undefined }) {
  return (
    <Text size="sm" c="dimmed" mb="md">
      {kots ? (
        <>
          Prefilled from KOTS (ConfigMap kotsadm-confg:{' '}
          <Code>
            {kots.host}
            {kots.namespace ? `/${kots.namespace}` : ''}
          </Code>
          ).{' '}
        </>
      ) : null}
      Velero&apos;s images must be here before it is installed: the KOTS air-gap bundle does not carry them.
    </Text>
  );
}

type RegistryForm = ReturnType<typeof useRegistryForm>;

/** KOTS's registry credentials when it has them, else a user name and password. */
function CredentialFields({ form, kots }: { form: RegistryForm; kots: KotsRegistry | undefined }) {
  const { useKots, setUseKots, touched, user, setUser, pass, setPass } = form;
  return (
    <>
      {kots?.hasCredentials && (
        <Checkbox
          label="Use the credentials KOTS uses (Secret kotsadm-private-registry, read by Lifeboat's main process)"
          checked={useKots}
          onChange={(e) => {
            touched.current.creds = true;
            setUseKots(e.currentTarget.checked);
          }}
          data-testid="setup-reg-kots-creds"
        />
      )}
      {!useKots && (
        <Group grow align="flex-start">
          <TextInput label="User name" value={user} onChange={(e) => setUser(e.currentTarget.value)} autoComplete="off" data-testid="setup-reg-username" />
          <PasswordInput label="Password" value={pass} onChange={(e) => setPass(e.currentTarget.value)} autoComplete="off" data-testid="setup-reg-password" />
        </Group>
      )}
    </>
  );
}

function RegistryCard({
  w,
  kots,
  busy,
  onRegistry,
}: {
  w: SetupWizard;
  kots: KotsRegistry | undefined;
  busy: boolean;
  onRegistry(input: RegistryInput): void;
}) {
  const form = useRegistryForm(w, kots);
  const { host, setHost, ns, setNs, useKots, touched, user, pass, setPass, ca, setCa } = form;
  return (
    <Card data-testid="setup-registry">
      <Title order={2} size="h4" mb="xs">
        Private registry
      </Title>
      <RegistryIntro kots={kots} />
      <Stack>
        <Group grow align="flex-start">
          <TextInput
            label="Registry host"
            value={host}
            onChange={(e) => {
              touched.current.host = true;
              setHost(e.currentTarget.value);
            }}
            placeholder="registry.internal:5000"
            data-testid="setup-reg-host"
          />
          <TextInput
            label="Namespace (path)"
            value={ns}
            onChange={(e) => {
              touched.current.ns = true;
              setNs(e.currentTarget.value);
            }}
            placeholder="myapp"
            data-testid="setup-reg-namespace"
          />
        </Group>
        <CredentialFields form={form} kots={kots} />
        <PathInput
          label="Registry CA certificate file (optional)"
          description="PEM file on this computer, if a private CA signed the registry's certificate"
          value={ca}
          onChange={setCa}
          browse={CA_BROWSE}
          data-testid="setup-reg-ca"
        />
        <Group>
          <Button
            onClick={() => {
              onRegistry({
                host,
                namespace: ns || undefined,
                useKotsCredentials: useKots,
                username: useKots ? undefined : user || undefined,
                password: useKots ? undefined : pass || undefined,
                caPath: ca || undefined,
              });
              setPass('');
            }}
            loading={busy}
            data-testid="setup-reg-check"
          >
            Check the images there
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function ImageRow({ i }: { i: SetupImage }) {
  return (
    <Table.Tr data-testid="setup-image" data-state={i.state}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {i.upstream}
        </Text>
        <Text size="xs" c="dimmed">
          {i.role}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code>{i.target}</Code>
        {i.message && (
          <Text size="xs" c="dimmed" mt={4}>
            {i.message}
          </Text>
        )}
      </Table.Td>
      <Table.Td w={180}>
        <Badge color={IMAGE_TONE[i.state]} variant="light">
          {i.state}
        </Badge>
        {i.state === 'pushing' && <Progress mt={6} value={i.bytesTotal ? (100 * (i.bytesDone ?? 0)) / i.bytesTotal : 5} aria-label={`Pushing ${i.upstream}`} />}
      </Table.Td>
    </Table.Tr>
  );
}

function ImagesCard({
  w,
  images,
  busy,
  onCheck,
  onPush,
  onNext,
}: {
  w: SetupWizard;
  images: SetupImage[];
  busy: boolean;
  onCheck(): void;
  onPush(): void;
  onNext(): void;
}) {
  const ready = images.length > 0 && images.every((i) => i.state === 'present' || i.state === 'pushed');
  const missing = images.some((i) => i.state === 'missing' || i.state === 'error');
  const pushing = images.some((i) => i.state === 'pushing');
  return (
    <Card data-testid="setup-images">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          Images Velero {w.veleroVersion} needs
        </Title>
        <Group>
          <Button variant="light" leftSection={<IconRefresh size={16} />} onClick={onCheck} disabled={busy || pushing} data-testid="setup-images-check">
            Check again
          </Button>
          <Button leftSection={<IconUpload size={16} />} onClick={onPush} disabled={!missing || pushing} loading={pushing} data-testid="setup-images-push">
            Push missing images
          </Button>
        </Group>
      </Group>
      <Table withTableBorder fz="sm" aria-label="Images">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Image</Table.Th>
            <Table.Th>In the private registry as</Table.Th>
            <Table.Th>State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {images.map((i) => (
            <ImageRow key={i.target} i={i} />
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="sm">
        Velero gives images on a registry with a port imagePullPolicy Always; Lifeboat sets IfNotPresent after installing (the tags are pinned), so restarts do
        not depend on the registry being up.
      </Text>
      <Group mt="md">
        <Button onClick={onNext} disabled={!ready} data-testid="setup-images-next">
          Continue to review
        </Button>
      </Group>
    </Card>
  );
}

export function ImagesStep({
  w,
  env,
  busy,
  onRegistry,
  onCheck,
  onPush,
  onNext,
}: {
  w: SetupWizard;
  env: Environment | null;
  busy: boolean;
  onRegistry(input: RegistryInput): void;
  onCheck(): void;
  onPush(): void;
  onNext(): void;
}) {
  const kots = env?.kots.registry;
  const images = w.images ?? [];
  return (
    <Stack>
      <RegistryCard w={w} kots={kots} busy={busy} onRegistry={onRegistry} />
      {images.length > 0 && <ImagesCard w={w} images={images} busy={busy} onCheck={onCheck} onPush={onPush} onNext={onNext} />}
    </Stack>
  );
}
