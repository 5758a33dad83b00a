import { useContext, useLayoutEffect, useRef } from 'react';
import { KeypressContext, type KeypressApi, type KeypressHandler, type KeypressOptions, type Subscriber } from './keypress-provider.tsx';

/**
 * Hears keys and pastes from the one keypress provider while `isActive`, at `priority` (higher first); the
 * handler returns true when it used the event. The latest handler and options are used on every event.
 */
export function useKeypress(handler: KeypressHandler, options: KeypressOptions = {}): void {
  const api = useKeypressApi();
  const ref: Subscriber = useRef({ handler, options });
  ref.current = { handler, options };
  // Layout effect: subscribed within the commit that draws the component, so the next key reaches it.
  useLayoutEffect(() => api.subscribe(ref), [api, Boolean(options.pastes)]);
}

/** The provider itself: to keep keys typed ahead for a screen still loading, and to replay them. */
export function useKeypressApi(): KeypressApi {
  const api = useContext(KeypressContext);
  if (!api) throw new Error('useKeypress() outside the KeypressProvider');
  return api;
}
