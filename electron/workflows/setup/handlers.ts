/**
 * The setup area's contract methods (the `setup` block of electron/api/contract.ts) mapped to its
 * workflow service (service.ts). Built once by electron/app.ts from the shared services.
 */
import type { SetupMethods } from '../../api/contract.js';
import type { AreaHandlers } from '../../transport/dispatch.js';
import type { Services } from '../services.js';
import { SecretKeeper } from './secrets.js';
import { SetupService } from './service.js';

export function setupHandlers(services: Services, given?: SetupService): AreaHandlers<SetupMethods> {
  // safeStorage is only reachable inside Electron (asynchronously); until it is, secrets stay in memory.
  let service = given ?? new SetupService(services);
  if (!given && process.versions.electron) {
    // Also when safeStorage cannot encrypt: the keeper then says why remembering is not offered.
    void SecretKeeper.safeStorage().then((safe) => {
      if (safe) service = new SetupService(services, { secrets: new SecretKeeper(services.dataDir, safe) });
    });
  }
  return {
    'setup.state': () => service.state(),
    'setup.preflight': () => service.preflight(),
    'setup.chooseMode': ({ mode }) => service.chooseMode(mode),
    'setup.validateDestination': ({ destination, secrets, remember }) => service.validateDestination(destination, secrets, remember),
    'setup.forgetSecrets': () => service.forgetSecrets(),
    'setup.setRegistry': (input) => service.setRegistry(input),
    'setup.checkImages': () => service.checkImages(),
    'setup.pushImages': () => service.pushImages(),
    'setup.review': () => service.review(),
    'setup.apply': () => service.apply(),
    'setup.resume': () => service.resume(),
    'setup.cancel': () => service.cancel(),
    'setup.verify': () => service.verify(),
    'setup.back': ({ step }) => service.back(step),
    'setup.changeDestination': () => service.changeDestination(),
    'setup.uninstall': ({ confirm }) => service.uninstall(confirm),
    'setup.reset': () => service.reset(),
  };
}
