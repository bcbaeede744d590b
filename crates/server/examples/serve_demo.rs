//! Serves the demo territory without the `ifn` binary (which pulls gdal and polars): used by
//! `benches/tiles/run.sh` to build a release server quickly.
//!
//! `cargo run --release -p ifn-server --example serve_demo -- 8091`

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8091);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let state = ifn_server::AppState::new(
            ifn_core::demo::generate(),
            ifn_core::Catalogue::builtin().clone(),
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        println!("serving the demo on http://{}/", listener.local_addr()?);
        ifn_server::serve(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}
