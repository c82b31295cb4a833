import { useEffect, useState } from 'react';
import { screenFromHash, type ScreenId } from './routes.js';

export function useRoute(): ScreenId {
  const [screen, setScreen] = useState<ScreenId>(() => screenFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setScreen(screenFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return screen;
}

export function navigate(id: ScreenId) {
  window.location.hash = `#/${id}`;
}
