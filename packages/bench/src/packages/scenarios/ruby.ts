// ruby.wasm (CRuby 3.3 with its standard library, built for WASI: a 36 MB module) through
// @ruby/wasm-wasi's Node entry, which runs it with node:wasi: a Ruby program that counts the
// words of generated text, renders an ERB template, round-trips JSON, sieves primes, sums the
// digits of 300!, and sorts and groups records, each result returned to JS as a string.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prose } from '../inputs.js';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

/** The part of @ruby/wasm-wasi's RubyVM used here. */
interface RubyVM {
  eval(code: string): { toString(): string };
}

export const TEXT_BYTES = 64 * 1024;

/** `s` as a Ruby double-quoted literal: JSON's escapes are Ruby's, and `#` must not interpolate. */
function rubyString(s: string): string {
  return JSON.stringify(s).replace(/#/g, '\\u0023');
}

const PROGRAM = `
require "json"
require "erb"
require "set"

Item = Struct.new(:id, :name, :price, :tags)

def word_counts(text)
  text.downcase.scan(/[a-z']+/).tally.sort_by { |w, n| [-n, w] }.first(25).map { |w, n| "#{w} #{n}" }.join("\\n")
end

def primes(limit)
  sieve = Array.new(limit + 1, true)
  sieve[0] = sieve[1] = false
  (2..Integer.sqrt(limit)).each { |i| (i * i).step(limit, i) { |j| sieve[j] = false } if sieve[i] }
  found = sieve.each_index.select { |i| sieve[i] }
  "#{found.size} primes below #{limit}; last #{found.last(5).join(",")}; sum #{found.sum}"
end

def items
  (1..400).map do |i|
    Item.new(i, "item-#{(i * 7919) % 1000}", ((i * 37) % 1000) / 10.0, %w[red green blue small large].select.with_index { |_, k| (i >> k).odd? })
  end
end

def records
  groups = items.group_by { |it| it.tags.size }.sort.map do |size, list|
    top = list.sort_by { |it| [-it.price, it.name] }.first(3).map { |it| "#{it.name}@#{format("%.2f", it.price)}" }
    "#{size} tags: #{list.size} items, mean #{format("%.3f", list.sum(&:price) / list.size)}, top #{top.join(" ")}"
  end
  tagset = items.flat_map(&:tags).to_set.to_a.sort
  (groups + ["tags: #{tagset.join(",")}"]).join("\\n")
end

def json_round_trip
  data = { "items" => items.first(50).map(&:to_h), "nested" => { "list" => (1..20).map { |i| [i, i * 0.5, "s#{i}"] }, "unicode" => "h\\u00e9llo \\u2603" } }
  text = JSON.generate(data)
  back = JSON.parse(text)
  pretty = JSON.pretty_generate(back["nested"])
  "#{text.bytesize} bytes, same: #{back == JSON.parse(JSON.generate(back))}\\n#{pretty}"
end

def template
  ERB.new(<<~T, trim_mode: "-").result_with_hash(items: items.first(12), title: "Inventory")
    <h1><%= title %></h1>
    <ul>
    <%- items.each do |it| -%>
      <li id="<%= it.id %>"><%= it.name %>: <%= format("%.1f", it.price) %> (<%= it.tags.join("/") %>)</li>
    <%- end -%>
    </ul>
  T
end

def factorial_digits
  f = (1..300).reduce(1, :*)
  "300! has #{f.to_s.size} digits, digit sum #{f.digits.sum}, mod 1000000007 = #{f % 1_000_000_007}"
end
`;

export default scenario({
  name: 'ruby.wasm',
  pkg: '@ruby/3.3-wasm-wasi',
  what: `CRuby 3.3 (36 MB of wasm, node:wasi): word counts of ${TEXT_BYTES / 1024} KiB of text, ERB, JSON, primes, 300!, grouping`,
  timed: true,
  async load() {
    const { DefaultRubyVM } = (await import('@ruby/wasm-wasi/dist/node')) as unknown as {
      DefaultRubyVM: (m: WebAssembly.Module) => Promise<{ vm: RubyVM }>;
    };
    const bytes = new Uint8Array(await readFile(require.resolve('@ruby/3.3-wasm-wasi/dist/ruby+stdlib.wasm')));
    const { vm } = await DefaultRubyVM(await WebAssembly.compile(bytes));
    vm.eval(PROGRAM);
    return vm;
  },
  async run(vm) {
    const text = prose(31, TEXT_BYTES);
    const call = (code: string) => `${vm.eval(code).toString()}\n`;
    return {
      'words.txt': call(`word_counts(${rubyString(text)})`),
      'primes.txt': call('primes(200_000)'),
      'records.txt': call('records'),
      'json.txt': call('json_round_trip'),
      'template.html': call('template'),
      'factorial.txt': call('factorial_digits'),
      'version.txt': call('"#{RUBY_VERSION} #{RUBY_PLATFORM} #{RUBY_ENGINE}"'),
    };
  },
});
