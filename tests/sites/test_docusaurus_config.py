"""The Docusaurus config is read from its literal values (tree-sitter), never run."""

from __future__ import annotations

import pytest

from ingest.errors import ConnectorError
from ingest.sites.docusaurus.config import read_config
from ingest.sites.docusaurus.jsvalues import UNKNOWN, Module, expression_value

TS_CONFIG = b"""\
import type {Config} from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import locales from './locales.json';

const SITE = 'https://docs.acme.dev';
const lastVersion = '3.x';

const config: Config = {
  url: SITE,
  baseUrl: `/${'docs'}/`,
  trailingSlash: false,
  i18n: {defaultLocale: 'en', locales: ['en', 'pt-BR'], localeConfigs: {'pt-BR': {path: 'pt'}}},
  markdown: {format: 'detect'},
  presets: [
    [
      '@docusaurus/preset-classic',
      {
        docs: {
          path: './content/docs/',
          routeBasePath: '/',
          lastVersion,
          includeCurrentVersion: false,
          onlyIncludeVersions: ['3.x', '2.x'],
          versions: {[lastVersion]: {label: 'Three'}, '2.x': {path: 'two', banner: 'unmaintained'}},
          editUrl: ({docPath}) => `https://github.com/acme/docs/edit/main/${docPath}`,
        },
        blog: false,
      } satisfies Preset.Options,
    ],
  ],
  plugins: [
    ['@docusaurus/plugin-content-docs', {id: 'api', path: 'api', routeBasePath: 'reference'}],
    ['content-blog', {id: 'news', path: 'news', routeBasePath: 'news'}],
    'docusaurus-plugin-sass',
  ],
};

export default config;
"""


def test_a_typescript_config_is_read() -> None:
    """Constants, template strings, shorthand and computed keys, satisfies casts: all read."""
    config = read_config("docusaurus.config.ts", TS_CONFIG, [])
    assert (config.url, config.base_url, config.trailing_slash) == ("https://docs.acme.dev", "/docs/", False)
    assert config.markdown_format == "detect"
    assert config.locales == ("en", "pt-BR")
    assert config.locale_folders == {"en": "en", "pt-BR": "pt"}
    docs, api = config.docs
    assert (docs.path, docs.route_base_path, docs.last_version) == ("content/docs", "/", "3.x")
    assert docs.include_current_version is False
    assert docs.only_include_versions == ("3.x", "2.x")
    assert docs.versions == {"3.x": {"label": "Three"}, "2.x": {"path": "two"}}
    assert (api.plugin_id, api.path, api.route_base_path) == ("api", "api", "reference")
    news, pages = sorted(config.content, key=lambda content: content.kind)
    assert (news.kind, news.plugin_id, news.route_base_path) == ("blog", "news", "news")
    assert (pages.kind, pages.path, pages.route_base_path) == ("pages", "src/pages", "")
    assert config.unread == ()


def test_a_config_function_is_read_from_what_it_returns() -> None:
    """export default async function createConfig() { ... return {...} } is read from its return."""
    source = b"""\
export default async function createConfig() {
  const url = 'https://x.dev';
  return {url, baseUrl: '/', presets: [['classic', {docs: {routeBasePath: 'guide'}}]]};
}
"""
    config = read_config("docusaurus.config.mjs", source, [])
    assert config.url == "https://x.dev"
    assert config.docs[0].route_base_path == "guide"


def test_module_exports_with_require_and_path_join() -> None:
    """module.exports = {...} in CommonJS; path.resolve(__dirname, 'x') is the folder x."""
    source = b"""\
const path = require('path');
module.exports = {
  url: 'https://x.dev',
  presets: [
    [require.resolve('@docusaurus/preset-classic'), {docs: {path: path.resolve(__dirname, 'guides')}}],
  ],
};
"""
    config = read_config("docusaurus.config.js", source, [])
    assert config.docs[0].path == "guides"


def test_computed_values_are_listed_and_defaults_used() -> None:
    """A value only the build knows falls back to Docusaurus' default and is named in unread."""
    source = b"""\
const locales = require('./locales.json').map((l) => l.code);
module.exports = {
  url: process.env.URL,
  i18n: {defaultLocale: 'en', locales},
  presets: [['classic', {docs: {routeBasePath: process.env.ROUTE}}]],
};
"""
    config = read_config("docusaurus.config.js", source, ["i18n/de/code.json", "i18n/ja/x/y.md"])
    assert config.url is None
    assert config.docs[0].route_base_path == "docs"
    assert set(config.unread) == {"url", "i18n.locales", "presets docs.routeBasePath"}
    assert config.locales == ("en", "de", "ja")  # the translations the source holds


def test_no_presets_means_no_content() -> None:
    """A config with neither presets nor content plugins publishes no Markdown."""
    config = read_config("docusaurus.config.js", b"module.exports = {url: 'https://x.dev'};", [])
    assert (config.docs, config.content) == ((), ())


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            b"module.exports = {url: 'x' 'y'};",
            r"docusaurus\.config\.js: the Docusaurus config is not valid JavaScript",
        ),
        (b"\xff\xfe", r"docusaurus\.config\.js: not valid UTF-8"),
        (None, r"docusaurus\.config\.js: the Docusaurus config cannot be read"),
    ],
)
def test_an_unreadable_config_is_a_connector_error(source: bytes | None, message: str) -> None:
    """A config that cannot be read is one ConnectorError naming the file."""
    with pytest.raises(ConnectorError, match=message):
        read_config("docusaurus.config.js", source, [])


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("'a\\nb'", "a\nb"),
        ("`x${1}y`", "x1y"),
        ("'a' + 'b' + 3", "ab3"),
        ("[1, 2.5, true, null]", [1, 2.5, True, None]),
        ("{a: {b: 'c'}, 'd-e': [], ...{f: 1}}", {"a": {"b": "c"}, "d-e": [], "f": 1}),
        ("(0x10)", 16),
        ("foo()", UNKNOWN),
        ("a.b", UNKNOWN),
        ("`x${y}`", UNKNOWN),
    ],
)
def test_expression_values(expression: str, value: object) -> None:
    """Literal expressions have their value; anything computed is UNKNOWN."""
    assert expression_value(expression) == value


def test_module_constants() -> None:
    """Top-level constants, exported or not, are read; functions are not values."""
    module = Module(
        b"export const a = 'x';\nconst b = a + 'y';\nfunction f() { return 1; }", typescript=False
    )
    assert (module.constant("a"), module.constant("b"), module.constant("f")) == ("x", "xy", UNKNOWN)
