import { readFileSync } from 'node:fs';

/** The README's "Server-side callers" code is the code the example app runs: the marked region, dedented. */
describe('README: the server-rendered page', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const source = readFileSync(
    new URL('../../examples/server-rendered/account-page.ts', import.meta.url),
    'utf8',
  );

  it('shows exactly the region of examples/server-rendered/account-page.ts marked for it', () => {
    const region = /\n( *)\/\/ #region readme\n([\s\S]*?)\n *\/\/ #endregion readme/.exec(source);
    expect(region).not.toBeNull();
    const indent = region![1].length;
    const code = region![2]
      .split('\n')
      .map((line) => line.slice(indent))
      .join('\n');
    const section = readme.slice(readme.indexOf('## Server-side callers'));
    const block = /```ts\n([\s\S]*?)\n```/.exec(section);
    expect(block?.[1]).toBe(code);
    expect(code.split('\n').length).toBeLessThanOrEqual(16);
  });
});
