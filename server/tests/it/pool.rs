//! Many requests at once on the server's pool (eight connections): no page may hold one
//! connection while it waits for another, or enough such requests at once hold them all and
//! wait for each other until the pool's timeout.

use std::time::Duration;

use crate::support::*;
use app::base::access::Role;
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_admins_opening_the_buildings_at_once_are_all_answered() {
    let changes = app::base::hub::Changes::new();
    let (pool, dir) = file_pool("pool-buildings", &changes).await;
    seeded(&pool).await;
    let (_, cookie) = staff_session(&pool, "chief", &[Role::Admin]).await;
    let app = router_with(pool.clone(), "pool-buildings", false, changes);
    let asks = (0..64).map(|_| {
        let (app, cookie) = (app.clone(), cookie.clone());
        tokio::spawn(async move { send(app, get_as(&cookie, "/buildings")).await.status() })
    });
    let answered = tokio::time::timeout(
        Duration::from_secs(20),
        futures_util::future::join_all(asks),
    )
    .await
    .expect("every request answered, none waiting on the pool");
    for status in answered {
        assert_eq!(status.expect("joined"), StatusCode::OK);
    }
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
