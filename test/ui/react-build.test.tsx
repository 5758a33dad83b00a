import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { expect, it } from 'vitest';
import { productionReactLoaded } from '../helpers/production-react.ts';

it('renders the screens with the React build the console runs (production)', () => {
  const ui = render(<Text>hello</Text>);
  expect(ui.lastFrame()).toBe('hello');
  ui.unmount();
  expect(productionReactLoaded()).toBe(true);
});
