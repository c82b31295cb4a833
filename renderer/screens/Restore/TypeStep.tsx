/** The restore wizard's choice of what comes back: everything, the application, or the admin console. */
import { Button, Card, List, Radio, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import type { RestoreType, RestoreWizard } from '../../../electron/api/contract.js';
import { useLifeboat } from '../../store/index.js';
import { Nav } from './Nav.js';
import { TYPE_INFO } from './typeInfo.js';

export function TypeStep({ wizard }: { wizard: RestoreWizard }) {
  const [type, setType] = useState<RestoreType | undefined>(wizard.type);
  const kotsFound = useLifeboat((s) => s.environment?.kots.found ?? true);
  const select = useLifeboat((s) => s.selectRestoreType);
  const back = useLifeboat((s) => s.restoreBack);
  const pending = useLifeboat((s) => s.restorePending);
  const order: RestoreType[] = wizard.situation === 'new-cluster' ? ['full', 'app', 'admin-console'] : ['app', 'full', 'admin-console'];
  return (
    <Stack data-testid="restore-type">
      <Radio.Group value={type ?? null} onChange={(v) => setType(v)} label={`What should come back from ${wizard.backup}?`} name="restore-type">
        <Stack gap="sm" mt="xs">
          {order.map((t) => {
            const info = TYPE_INFO[t];
            const disabled = t === 'app' && !kotsFound;
            return (
              <Card key={t} withBorder padding="sm" data-testid={`type-${t}`}>
                <Radio
                  value={t}
                  label={info.label}
                  description={disabled ? 'Not possible here: there is no admin console on this cluster to restore the application into.' : info.what}
                  disabled={disabled}
                />
                <List size="sm" mt={6} ml={34} spacing={2} icon={<IconAlertTriangle size={14} color="var(--mantine-color-orange-6)" aria-hidden />}>
                  {info.consequences.map((c) => (
                    <List.Item key={c}>{c}</List.Item>
                  ))}
                </List>
              </Card>
            );
          })}
        </Stack>
      </Radio.Group>
      <Nav onBack={() => void back('backup')}>
        <Button onClick={() => type && void select(type)} disabled={!type} loading={pending === 'type'} data-testid="type-continue">
          Continue
        </Button>
      </Nav>
    </Stack>
  );
}
